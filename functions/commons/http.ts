import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { principalFromClaims, type Principal } from './auth.ts';
import { HttpProblem, badRequest } from './problem.ts';

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

function lowerCaseHeaders(headers: HttpEvent['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function rawBodyOf(event: HttpEvent, maxBytes: number): string {
  if (event.body === undefined || event.body === null) return '';
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(raw) > maxBytes) throw new HttpProblem(413, 'Content Too Large', `The body is larger than ${maxBytes} bytes.`);
  return raw;
}

export function parseJsonBody(raw: string, headers: Record<string, string>): unknown {
  if (raw === '') return undefined;
  const type = headers['content-type'] ?? 'application/json';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new HttpProblem(415, 'Unsupported Media Type', 'Send the body as application/json.');
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest([{ path: '', message: 'The body is not valid JSON.', code: 'invalid_json' }]);
  }
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
        params: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
      });
    } catch (error) {
      if (error instanceof HttpProblem) return problem(error);
      await logger.error('unhandled error', { error: error as Error, route: event.routeKey });
      return problem(new HttpProblem(500, 'Internal Server Error', 'Something went wrong on our side; it has been logged.'));
    }
  });
}
