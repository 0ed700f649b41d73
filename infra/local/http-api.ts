import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { decodeProtectedHeader, type JWTPayload } from 'jose';
import type { FunctionDeclaration } from '../declarations/functions.ts';
import type { RouteDeclaration } from '../../contracts/routes.ts';
import { unitFunctions } from '../../contracts/units.ts';
import { ACCOUNT_ID, USER_POOL_CLIENT_ID } from './config.ts';
import type { CognitoEmulator } from './cognito.ts';
import { invoke } from './lambda.ts';
import { BodyTooLargeError, MAX_BODY_BYTES, closeHeaders, readBody } from './protocol.ts';

/**
 * The HTTP API (API Gateway v2) in front of the route handlers: route matching on `{param}` segments,
 * the Cognito JWT authorizer, payload format 2.0 events and the result mapping back to HTTP.
 */
interface CompiledRoute {
  route: RouteDeclaration;
  regex: RegExp;
  params: string[];
  /** Per path segment: 0 a static segment, 1 a `{param}`, 2 a greedy `{param+}`. */
  ranks: number[];
}

const segmentRank = (seg: string) => (/^\{[^}]+\+\}$/.test(seg) ? 2 : /^\{[^}]+\}$/.test(seg) ? 1 : 0);

/**
 * API Gateway HTTP APIs send a request to the most specific route that matches it ("Routing API requests",
 * http-api-develop-routes.html): a full match before one with a greedy path variable, and among full
 * matches a static segment before a `{param}` at the same position, compared from the left, so
 * `GET /api/contacts/{id}` wins over `GET /api/{object}/{id}` for /api/contacts/42, and `GET
 * /api/metadata/openapi.json` over both. Routes that can match the same path have the same number of
 * segments unless one is greedy (which then sorts last at its position).
 */
export function compareSpecificity(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 3) - (b[i] ?? 3);
    if (d !== 0) return d;
  }
  return 0;
}

export class HttpApi {
  private readonly compiled: CompiledRoute[];
  /** Deploy unit name → its function: a route is served by invoking its unit's Lambda, as on AWS. */
  private readonly units: ReadonlyMap<string, FunctionDeclaration>;

  constructor(routes: readonly RouteDeclaration[], private readonly cognito: CognitoEmulator, private readonly domainName: string) {
    this.units = new Map(unitFunctions(routes).map((f) => [f.name, f]));
    this.compiled = routes.map((route) => {
      const params: string[] = [];
      const parts = route.path.split('/').map((seg) => {
        const m = /^\{([^}+]+)(\+)?\}$/.exec(seg);
        if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        params.push(m[1]!);
        return m[2] ? '(.+)' : '([^/]+)';
      });
      return { route, regex: new RegExp(`^${parts.join('/')}$`), params, ranks: route.path.split('/').map(segmentRank) };
    })
      // The first match in this order is API Gateway's most specific one (compareSpecificity).
      .sort((a, b) => compareSpecificity(a.ranks, b.ranks));
  }

  /** Tokens whose signature was checked, with the key that checked it; claims are re-checked on every use. */
  private readonly verified = new Map<string, { claims: JWTPayload; kid: string }>();
  /** The authorizer's audience list (the CDK gives it the one app client id). */
  readonly audiences: readonly string[] = [USER_POOL_CLIENT_ID];

  match(method: string, path: string): { route: RouteDeclaration; pathParameters: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const c of this.compiled) {
      const m = c.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (c.route.method !== method) continue;
      const pathParameters: Record<string, string> = {};
      try {
        c.params.forEach((p, i) => {
          pathParameters[p] = decodeURIComponent(m[i + 1]!);
        });
      } catch {
        return undefined; // a malformed %-escape: handle() answers 400 before it gets here
      }
      return { route: c.route, pathParameters };
    }
    return pathMatched ? 'method' : undefined;
  }

  /** The claims of a token the JWT authorizer accepts (see authorizeToken), or undefined. */
  async authorize(header: string | undefined, routeScopes: readonly string[] = []): Promise<JWTPayload | undefined> {
    const verdict = await this.authorizeToken(header, routeScopes);
    return verdict.ok ? verdict.claims : undefined;
  }

  /**
   * API Gateway's HTTP API JWT authorizer, step by step as its guide describes it ("Authorizing API
   * requests with a JWT authorizer", http-api-jwt-authorizer.html):
   *  1. the identity source holds the token, alone or prefixed with `Bearer`;
   *  2. decode it; 3. check algorithm and signature with the issuer's JWKS (RSA only; here RS256, as published);
   *  4. claims: `kid` must name a JWKS key, `iss` = the issuer, `aud` — or `client_id` only when there is
   *     no `aud` — one of the audiences, `exp` after now, `nbf` and `iat` before now, and `scope`/`scp`
   *     holding one of the route's authorization scopes when the route declares any.
   * `token_use` is not looked at (API Gateway has no notion of it). A failure is 401 with a
   * `www-authenticate: Bearer … error="invalid_token"` header; missing scopes are 403 `insufficient_scope`.
   * A token verified once skips step 3 next time (same bytes, same key) but never step 4.
   */
  async authorizeToken(header: string | undefined, routeScopes: readonly string[] = []): Promise<AuthVerdict> {
    const token = tokenFrom(header);
    if (!token) return refuse('the token is missing or is not a JWT');
    const now = Math.floor(Date.now() / 1000);
    const keys = this.cognito.jwksDocument().keys;
    let entry = this.verified.get(token);
    if (entry && !keys.some((k) => k.kid === entry!.kid)) {
      this.verified.delete(token);
      entry = undefined;
    }
    if (!entry) {
      let kid: unknown;
      let alg: unknown;
      try {
        ({ kid, alg } = decodeProtectedHeader(token));
      } catch {
        return refuse('the token could not be decoded');
      }
      if (typeof kid !== 'string' || kid === '') return refuse('the token has no kid header');
      const key = keys.find((k) => k.kid === kid);
      if (!key) return refuse(`the kid ${kid} is not in the issuer's JWKS`);
      if (alg !== 'RS256' || (key.alg && key.alg !== alg)) return refuse(`signing method ${String(alg)} is invalid`);
      let claims: JWTPayload;
      try {
        claims = await this.cognito.verify(token);
      } catch (error) {
        return refuse(joseReason(error));
      }
      entry = { claims, kid };
      const problem = this.claimProblem(claims, now);
      if (problem) return refuse(problem);
      if (this.verified.size >= 1000) this.pruneVerified(now);
      this.verified.set(token, entry);
    }
    const problem = this.claimProblem(entry.claims, now);
    if (problem) {
      this.verified.delete(token);
      return refuse(problem);
    }
    if (routeScopes.length && !tokenScopes(entry.claims).some((s) => routeScopes.includes(s))) {
      return { ok: false, status: 403, challenge: `Bearer scope="${routeScopes.join(' ')}" error="insufficient_scope" error_description="expected scopes: [${routeScopes.join(' ')}]"` };
    }
    return { ok: true, claims: entry.claims };
  }

  /** Step 4 without the signature: what is checked on every request, cached or not. */
  private claimProblem(claims: JWTPayload, now: number): string | undefined {
    if (claims.iss !== this.cognito.issuer) return 'the token does not have a valid issuer';
    if (claims.aud !== undefined) {
      // API Gateway validates client_id only if aud is not present; when both are there, aud decides.
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.some((a) => this.audiences.includes(a))) return 'the token does not have a valid audience';
    } else if (typeof claims.client_id !== 'string' || !this.audiences.includes(claims.client_id)) {
      return 'the token does not have a valid audience';
    }
    if (typeof claims.exp !== 'number' || claims.exp <= now) return 'the token has expired';
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) return 'the token is not valid yet (nbf)';
    if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.iat > now)) return 'the token was issued in the future (iat)';
    return undefined;
  }

  private pruneVerified(now: number) {
    for (const [t, e] of this.verified) if (typeof e.claims.exp !== 'number' || e.claims.exp <= now) this.verified.delete(t);
    if (this.verified.size >= 1000) this.verified.clear();
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const refused = requestRefusal(req, url);
    if (refused) return send(res, refused.status, { message: refused.message }, refused.headers);
    const matched = this.match(method, url.pathname);
    if (!matched || matched === 'method') return send(res, 404, { message: 'Not Found' });
    const { route, pathParameters } = matched;
    let claims: JWTPayload | undefined;
    if (route.auth === 'jwt') {
      const verdict = await this.authorizeToken(req.headers.authorization, routeScopes(route));
      if (!verdict.ok) return send(res, verdict.status, { message: verdict.status === 403 ? 'Forbidden' : 'Unauthorized' }, { 'www-authenticate': verdict.challenge });
      claims = verdict.claims;
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return send(res, 413, { message: 'Request Entity Too Large' }, closeHeaders(error));
      return void res.destroy(); // the client went away mid-body
    }
    const event = this.event(req, url, route, pathParameters, body, claims);
    let result: unknown;
    try {
      result = await invoke(this.units.get(route.unit)!, event, `api ${event.routeKey}`);
    } catch (error) {
      console.error(`[local] ${route.unit} ${event.routeKey} failed:`, error);
      return send(res, 500, { message: 'Internal Server Error' });
    }
    writeResult(res, result);
  }

  private event(req: IncomingMessage, url: URL, route: RouteDeclaration, pathParameters: Record<string, string>, body: Buffer, claims?: JWTPayload): APIGatewayProxyEventV2WithJWTAuthorizer {
    const headers: Record<string, string> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const k = req.rawHeaders[i]!.toLowerCase();
      if (k === 'cookie') continue;
      const v = req.rawHeaders[i + 1]!;
      headers[k] = headers[k] !== undefined ? `${headers[k]},${v}` : v;
    }
    headers['x-forwarded-for'] ??= req.socket.remoteAddress ?? '127.0.0.1';
    headers['x-forwarded-proto'] ??= 'http';
    const cookies = req.headers.cookie ? req.headers.cookie.split(/;\s*/).filter(Boolean) : undefined;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = query[k] !== undefined ? `${query[k]},${v}` : v;
    const rawQueryString = url.search.replace(/^\?/, '');
    const contentType = headers['content-type'] ?? '';
    const isText = body.length === 0 || /^(text\/|application\/([a-z.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript))/i.test(contentType) || contentType === '';
    const now = new Date();
    const requestId = randomUUID();
    const routeKey = `${route.method} ${route.path}`;
    const decodedPath = decodeURIComponent(url.pathname); // handle() refused paths that do not decode
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const scopes = typeof claims?.scope === 'string' ? claims.scope.split(' ') : null;
    return {
      version: '2.0',
      routeKey,
      // HTTP APIs hand the integration the path percent-decoded, in rawPath as in http.path (unlike REST APIs).
      rawPath: decodedPath,
      rawQueryString,
      ...(cookies ? { cookies } : {}),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
      requestContext: {
        accountId: ACCOUNT_ID,
        apiId: 'local',
        ...(claims ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: flattenClaims(claims), scopes: scopes as string[] } } } : {}),
        domainName: this.domainName,
        domainPrefix: this.domainName.split('.')[0]!.split(':')[0]!,
        http: { method: route.method, path: decodedPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
        requestId,
        routeKey,
        stage: '$default',
        time: apiGatewayTime(now),
        timeEpoch: now.getTime(),
      },
      ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !isText,
    } as APIGatewayProxyEventV2WithJWTAuthorizer;
  }
}

export type AuthVerdict = { ok: true; claims: JWTPayload } | { ok: false; status: 401 | 403; challenge: string };

const refuse = (description: string): AuthVerdict => ({ ok: false, status: 401, challenge: `Bearer scope="" error="invalid_token" error_description="${description.replace(/"/g, "'")}"` });

/** The identity source `$request.header.Authorization`: the token alone, or `Bearer <token>`. */
function tokenFrom(header: string | undefined): string | undefined {
  const value = (header ?? '').trim();
  const m = /^Bearer\s+(\S+)$/i.exec(value) ?? /^([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(value);
  return m?.[1];
}

function joseReason(error: unknown): string {
  const e = error as { code?: string; claim?: string };
  if (e.code === 'ERR_JWT_EXPIRED') return 'the token has expired';
  if (e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'iss') return 'the token does not have a valid issuer';
  if (e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' && e.claim === 'nbf') return 'the token is not valid yet (nbf)';
  if (e.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') return 'the token signature is invalid';
  return 'the token is not valid';
}

/** `scope` (space-separated, as Cognito access tokens carry it) or `scp` (a list or a string). */
function tokenScopes(claims: JWTPayload): string[] {
  const out: string[] = [];
  for (const v of [claims.scope, claims.scp]) {
    if (typeof v === 'string') out.push(...v.split(' ').filter(Boolean));
    else if (Array.isArray(v)) out.push(...v.filter((x): x is string => typeof x === 'string'));
  }
  return out;
}

/** A route's `authorizationScopes`, when its declaration has them (none do today). */
const routeScopes = (route: RouteDeclaration): readonly string[] => (route as { authorizationScopes?: readonly string[] }).authorizationScopes ?? [];

/** HTTP API quota: "Total combined size of request line and header values: 10240 bytes" (http-api-quotas). */
export const MAX_REQUEST_LINE_AND_HEADERS = 10240;

/**
 * What the HTTP API refuses before routing: a declared body over the 10 MB payload quota (413), a request
 * line plus header values over 10240 bytes (414 when the request line is the larger part, else 431),
 * and a path whose %-escapes do not decode to UTF-8 (400) — never a 500.
 */
export function requestRefusal(req: IncomingMessage, url: URL): { status: number; message: string; headers?: Record<string, string> } | undefined {
  let size = Buffer.byteLength(`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/${req.httpVersion}`);
  const line = size;
  for (let i = 1; i < req.rawHeaders.length; i += 2) size += Buffer.byteLength(req.rawHeaders[i]!);
  if (size > MAX_REQUEST_LINE_AND_HEADERS) {
    return line > size - line ? { status: 414, message: 'Request-URI Too Long' } : { status: 431, message: 'Request Header Fields Too Large' };
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return { status: 413, message: 'Request Entity Too Large', headers: { connection: 'close' } };
  try {
    decodeURIComponent(url.pathname);
  } catch {
    return { status: 400, message: 'Bad Request' };
  }
  return undefined;
}

/** API Gateway hands claims to the integration as strings; arrays become "[a b]". */
export function flattenClaims(claims: JWTPayload): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) out[k] = `[${v.map(String).join(' ')}]`;
    else if (v !== null && typeof v === 'object') out[k] = JSON.stringify(v);
    else out[k] = String(v);
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function apiGatewayTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'apigw-requestid': randomUUID(), ...headers });
  res.end(text);
}

/** Payload format 2.0 response mapping, including the "no statusCode = 200 JSON" inference. */
export function writeResult(res: ServerResponse, result: unknown): void {
  if (result === undefined || result === null) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(result === null ? 'null' : '');
  }
  if (typeof result === 'string') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(result);
  }
  if (typeof result !== 'object' || !('statusCode' in result)) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify(result));
  }
  const r = result as { statusCode: number; headers?: Record<string, string | number | boolean>; multiValueHeaders?: Record<string, (string | number | boolean)[]>; cookies?: string[]; body?: string; isBase64Encoded?: boolean };
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  for (const [k, v] of Object.entries(r.multiValueHeaders ?? {})) headers[k.toLowerCase()] = v.map(String).join(',');
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  const body = r.body === undefined ? Buffer.alloc(0) : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(String(r.body), 'utf8');
  if (!headers['content-type'] && body.length) headers['content-type'] = 'application/json';
  headers['content-length'] = String(body.length);
  res.writeHead(r.statusCode, headers);
  res.end(body);
}
