import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { principalFromClaims, type Principal } from './auth.ts';
import { isId } from './ids.ts';
import { HttpProblem, badRequest, contentTooLarge, toProblem } from './problem.ts';

export { logger };

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export interface HttpRequest {
  readonly event: HttpEvent;
  /** Set on routes declared `auth: 'jwt'`. */
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON body, or undefined when there is none (or when the route asked for the raw body). */
  readonly body: unknown;
  /** The body exactly as received (signature checks need the raw bytes). */
  readonly rawBody: string;
}

export interface HttpOptions {
  /** Public routes (health, openapi, webhooks) skip the principal. */
  readonly auth?: boolean;
  /** Largest accepted body in bytes (default 64 KiB). */
  readonly maxBodyBytes?: number;
  /** Leave the body unparsed: the handler verifies a signature over the raw bytes first. */
  readonly rawBody?: boolean;
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export function noContent(headers: Record<string, string> = {}): HttpResult {
  return { statusCode: 204, headers, body: '' };
}

export function problem(p: HttpProblem): HttpResult {
  return {
    statusCode: p.status,
    headers: { 'content-type': 'application/problem+json', ...p.headers },
    body: JSON.stringify(p.toBody()),
  };
}

/** A map from caller-chosen names (headers, path and query parameters) with no prototype to trip over. */
function plainMap(entries: Iterable<[string, string | undefined]>, key: (k: string) => string = (k) => k): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of entries) if (v !== undefined) out[key(k)] = v;
  return out;
}

const lowerCaseHeaders = (headers: HttpEvent['headers']) => plainMap(Object.entries(headers ?? {}), (k) => k.toLowerCase());

/**
 * Path parameters are ids (`{id}`, `{partnerId}`, `{formId}`): anything else — too long for a DynamoDB key,
 * a space, a `%`-escape that decoded to something odd — is refused here, naming the parameter, before any
 * route looks it up.
 */
export function pathParams(event: Pick<HttpEvent, 'pathParameters'>): Record<string, string> {
  const params = plainMap(Object.entries(event.pathParameters ?? {}));
  const errors = Object.entries(params)
    .filter(([, v]) => !isId(v))
    .map(([k]) => ({ path: k, message: 'Not a valid id: 1–128 letters, digits, _, - or :', code: 'invalid_id' }));
  if (errors.length) throw badRequest(errors, 'The URL names an id that cannot exist.');
  return params;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The body as text: at most `maxBytes` (413 past that) and valid UTF-8 (400 otherwise). */
export function rawBodyOf(event: Pick<HttpEvent, 'body' | 'isBase64Encoded'>, maxBytes: number): string {
  if (event.body === undefined || event.body === null) return '';
  // A base64 body is at most 4/3 of its bytes: refuse a huge one before decoding it.
  if (event.body.length > (event.isBase64Encoded ? Math.ceil(maxBytes / 3) * 4 + 4 : maxBytes)) throw contentTooLarge(maxBytes);
  if (!event.isBase64Encoded) {
    if (Buffer.byteLength(event.body) > maxBytes) throw contentTooLarge(maxBytes);
    return event.body;
  }
  const bytes = Buffer.from(event.body, 'base64');
  if (bytes.length > maxBytes) throw contentTooLarge(maxBytes);
  try {
    return utf8.decode(bytes);
  } catch {
    throw badRequest([{ path: '', message: 'The body is not valid UTF-8 text.', code: 'invalid_encoding' }]);
  }
}

/** Where a JSON value holds a key named `__proto__` (dotted path), if anywhere; iterative, so any depth is fine. */
function protoKeyPath(value: unknown): string | undefined {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    for (const [k, child] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      if (k === '__proto__') return at;
      if (child && typeof child === 'object') stack.push([child, at]);
    }
  }
  return undefined;
}

export function parseJsonBody(raw: string, headers: Record<string, string>): unknown {
  if (raw === '') return undefined;
  const type = headers['content-type'] ?? 'application/json';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new HttpProblem(415, 'Unsupported Media Type', 'Send the body as application/json.');
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw badRequest([{ path: '', message: 'The body is not valid JSON.', code: 'invalid_json' }]);
  }
  // JSON.parse keeps "__proto__" as an own key; code that copies it would set a prototype instead.
  const proto = protoKeyPath(body);
  if (proto) throw badRequest([{ path: proto, message: 'A key may not be named __proto__', code: 'reserved_key' }]);
  return body;
}

/**
 * The thin HTTP layer every route uses: parse, authorise, call the domain, map errors to problem+json.
 */
export function httpHandler(fn: (req: HttpRequest) => Promise<HttpResult>, options: HttpOptions = {}) {
  const auth = options.auth ?? true;
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024;
  return middy<HttpEvent, HttpResult, Error, Context>().handler(async (event) => {
    try {
      const headers = lowerCaseHeaders(event.headers);
      const principal = auth
        ? principalFromClaims(event.requestContext?.authorizer?.jwt?.claims as Parameters<typeof principalFromClaims>[0])
        : (undefined as unknown as Principal);
      const rawBody = rawBodyOf(event, maxBodyBytes);
      const body = options.rawBody ? undefined : parseJsonBody(rawBody, headers);
      return await fn({
        event,
        principal,
        headers,
        body,
        rawBody,
        params: pathParams(event),
        query: plainMap(Object.entries(event.queryStringParameters ?? {})),
      });
    } catch (error) {
      const known = toProblem(error);
      if (known) return problem(known);
      await logger.error('unhandled error', { error: error as Error, route: event.routeKey });
      return problem(new HttpProblem(500, 'Internal Server Error', 'Something went wrong on our side; it has been logged.'));
    }
  });
}
