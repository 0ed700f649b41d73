import type { FunctionAccess } from './access.ts';
import type { UnitName } from './units.ts';

/**
 * Every HTTP route, declared once (read by the CDK, the local runtime and the OpenAPI document, so it lives in
 * contracts/, which imports nothing from infra/ or functions/). The CDK api stack builds one HTTP API route per entry (JWT authorizer and
 * throttling per route) integrated with its deploy unit's Lambda; the local runtime serves the same table on
 * /api/*. The code of a route is in its unit's router, functions/units/<unit>.ts, under the same route key
 * (`GET /api/contacts/{id}`). test/infra/declarations.test.ts proves routers, declarations and template agree.
 */
export interface RouteDeclaration {
  /** Unique operation id (OpenAPI operationId). */
  readonly name: string;
  /** The deploy unit whose Lambda serves this route (contracts/units.ts). */
  readonly unit: UnitName | (string & {});
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** API Gateway route path, e.g. /api/contacts/{id}. */
  readonly path: string;
  /** 'jwt': the Cognito JWT authorizer must accept the bearer token; 'none': public. */
  readonly auth: 'jwt' | 'none';
  /** Per-route throttling (requests per second, burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  /** What serving this route needs from AWS; the unit's IAM is the union over its routes. */
  readonly access: FunctionAccess;
}

/** `METHOD /path`, the API Gateway route key that the unit routers are keyed on. */
export const routeKey = (r: Pick<RouteDeclaration, 'method' | 'path'>) => `${r.method} ${r.path}`;

export const standard = { rateLimit: 50, burstLimit: 100 } as const;
/** Public intake is throttled harder at the edge; per-partner limits are enforced in the function too. */
export const intake = { rateLimit: 100, burstLimit: 200 } as const;
export const read = { table: 'read' } as const;
export const write = { table: 'readwrite' } as const;

type Op = 'create' | 'list' | 'get' | 'update' | 'delete' | 'restore' | 'timeline' | 'audit';
const recordOps: ReadonlyArray<{ op: Op; method: RouteDeclaration['method']; suffix: string; access: typeof read | typeof write }> = [
  { op: 'create', method: 'POST', suffix: '', access: write },
  { op: 'list', method: 'GET', suffix: '', access: read },
  { op: 'get', method: 'GET', suffix: '/{id}', access: read },
  { op: 'update', method: 'PATCH', suffix: '/{id}', access: write },
  { op: 'delete', method: 'DELETE', suffix: '/{id}', access: write },
  { op: 'restore', method: 'POST', suffix: '/{id}/restore', access: write },
  { op: 'timeline', method: 'GET', suffix: '/{id}/timeline', access: read },
  { op: 'audit', method: 'GET', suffix: '/{id}/audit', access: read },
];

/** The standard record routes of an entity (accounts, contacts, ...). */
export function recordRoutes(plural: string, unit: UnitName): RouteDeclaration[] {
  return recordOps.map(({ op, method, suffix, access }) => ({
    name: `${plural}-${op}`, unit, method, path: `/api/${plural}${suffix}`, auth: 'jwt', throttle: standard, access,
  }));
}

export const route = (
  name: string, unit: UnitName, method: RouteDeclaration['method'], path: string,
  access: FunctionAccess, auth: RouteDeclaration['auth'] = 'jwt', throttle: RouteDeclaration['throttle'] = standard,
): RouteDeclaration => ({ name, unit, method, path, auth, throttle, access });

