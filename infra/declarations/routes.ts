import type { FunctionDeclaration } from './functions.ts';

/**
 * Every HTTP route, declared once. The CDK api stack builds one Lambda + one HTTP API route per entry;
 * the local runtime serves the same table on /api/*. test/infra/declarations.test.ts proves they agree.
 */
export interface RouteDeclaration extends FunctionDeclaration {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** API Gateway route path, e.g. /api/contacts/{id}. */
  readonly path: string;
  /** 'jwt': the Cognito JWT authorizer must accept the bearer token; 'none': public. */
  readonly auth: 'jwt' | 'none';
  /** Per-route throttling (requests per second, burst). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
}

const standard = { rateLimit: 50, burstLimit: 100 } as const;
const read = { table: 'read' } as const;
const write = { table: 'readwrite' } as const;

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

/** The standard record routes of an entity (accounts, contacts, ...): one handler file per operation. */
function recordRoutes(plural: string): RouteDeclaration[] {
  return recordOps.map(({ op, method, suffix, access }) => ({
    name: `${plural}-${op}`,
    entry: `functions/${plural}/${op}.ts`,
    method,
    path: `/api/${plural}${suffix}`,
    auth: 'jwt',
    throttle: standard,
    access,
  }));
}

export const routes: readonly RouteDeclaration[] = [
  { name: 'health', entry: 'functions/platform/health.ts', method: 'GET', path: '/api/health', auth: 'none', throttle: standard, access: {} },
  { name: 'openapi', entry: 'functions/platform/openapi.ts', method: 'GET', path: '/api/openapi.json', auth: 'none', throttle: standard, access: {} },
  { name: 'me', entry: 'functions/users/me.ts', method: 'GET', path: '/api/me', auth: 'jwt', throttle: standard, access: write },
  { name: 'users-list', entry: 'functions/users/list.ts', method: 'GET', path: '/api/users', auth: 'jwt', throttle: standard, access: read },
  ...recordRoutes('accounts'),
  {
    name: 'accounts-contacts', entry: 'functions/accounts/contacts.ts', method: 'GET', path: '/api/accounts/{id}/contacts',
    auth: 'jwt', throttle: standard, access: read,
  },
  ...recordRoutes('contacts'),
];
