import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import type { FunctionDeclaration } from '../declarations/functions.ts';
import type { RouteDeclaration } from '../../contracts/routes.ts';
import { unitFunctions } from '../../contracts/units.ts';
import { ACCOUNT_ID, USER_POOL_CLIENT_ID } from './config.ts';
import type { CognitoEmulator } from './cognito.ts';
import { invoke } from './lambda.ts';
import { readBody } from './protocol.ts';

/**
 * The HTTP API (API Gateway v2) in front of the route handlers: route matching on `{param}` segments,
 * the Cognito JWT authorizer, payload format 2.0 events and the result mapping back to HTTP.
 */
interface CompiledRoute {
  route: RouteDeclaration;
  regex: RegExp;
  params: string[];
  literalSegments: number;
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
      return { route, regex: new RegExp(`^${parts.join('/')}$`), params, literalSegments: route.path.split('/').filter((s) => !s.startsWith('{')).length };
    })
      // API Gateway prefers the most specific route: more literal segments first.
      .sort((a, b) => b.literalSegments - a.literalSegments);
  }

  private readonly verified = new Map<string, JWTPayload>();

  match(method: string, path: string): { route: RouteDeclaration; pathParameters: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const c of this.compiled) {
      const m = c.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (c.route.method !== method) continue;
      const pathParameters: Record<string, string> = {};
      c.params.forEach((p, i) => {
        pathParameters[p] = decodeURIComponent(m[i + 1]!);
      });
      return { route: c.route, pathParameters };
    }
    return pathMatched ? 'method' : undefined;
  }

  /** API Gateway's JWT authorizer: signature against the JWKS, iss, exp/nbf, aud or client_id = the app client. */
  async authorize(header: string | undefined): Promise<JWTPayload | undefined> {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!m) return undefined;
    // A token verified once stays valid until it expires (by the runtime's clock); skip the RSA check then.
    const cached = this.verified.get(m[1]!);
    if (cached && typeof cached.exp === 'number' && cached.exp * 1000 > Date.now()) return cached;
    try {
      const claims = await this.cognito.verify(m[1]!);
      const aud = Array.isArray(claims.aud) ? claims.aud : claims.aud ? [claims.aud] : [];
      if (!aud.includes(USER_POOL_CLIENT_ID) && claims.client_id !== USER_POOL_CLIENT_ID) return undefined;
      if (claims.token_use !== 'id' && claims.token_use !== 'access') return undefined;
      if (this.verified.size >= 1000) this.verified.clear();
      this.verified.set(m[1]!, claims);
      return claims;
    } catch {
      return undefined;
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const matched = this.match(method, url.pathname);
    if (!matched || matched === 'method') return send(res, 404, { message: 'Not Found' });
    const { route, pathParameters } = matched;
    let claims: JWTPayload | undefined;
    if (route.auth === 'jwt') {
      claims = await this.authorize(req.headers.authorization);
      if (!claims) return send(res, 401, { message: 'Unauthorized' }, { 'www-authenticate': 'Bearer' });
    }
    const body = await readBody(req);
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
    const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
    const scopes = typeof claims?.scope === 'string' ? claims.scope.split(' ') : null;
    return {
      version: '2.0',
      routeKey,
      rawPath: url.pathname,
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
        http: { method: route.method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
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
