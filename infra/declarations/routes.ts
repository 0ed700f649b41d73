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
/** Public intake is throttled harder at the edge; per-partner limits are enforced in the function too. */
const intake = { rateLimit: 100, burstLimit: 200 } as const;
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
  ...recordRoutes('leads'),
  ...leadWorkflow(),
  { name: 'opportunities-get', entry: 'functions/opportunities/get.ts', method: 'GET', path: '/api/opportunities/{id}', auth: 'jwt', throttle: standard, access: read },
  { name: 'opportunities-list', entry: 'functions/opportunities/list.ts', method: 'GET', path: '/api/opportunities', auth: 'jwt', throttle: standard, access: read },
  { name: 'webhooks-leads', entry: 'functions/webhooks/partner-lead.ts', method: 'POST', path: '/api/webhooks/leads/{partnerId}', auth: 'none', throttle: intake, access: write },
  { name: 'forms-create', entry: 'functions/forms/create.ts', method: 'POST', path: '/api/forms', auth: 'jwt', throttle: standard, access: write },
  { name: 'forms-list', entry: 'functions/forms/list.ts', method: 'GET', path: '/api/forms', auth: 'jwt', throttle: standard, access: read },
  { name: 'forms-submit', entry: 'functions/forms/submit.ts', method: 'POST', path: '/api/forms/{formId}/submissions', auth: 'none', throttle: intake, access: write },
  { name: 'partners-create', entry: 'functions/partners/create.ts', method: 'POST', path: '/api/partners', auth: 'jwt', throttle: standard, access: write },
  { name: 'partners-list', entry: 'functions/partners/list.ts', method: 'GET', path: '/api/partners', auth: 'jwt', throttle: standard, access: read },
  { name: 'partners-rotate', entry: 'functions/partners/rotate.ts', method: 'POST', path: '/api/partners/{id}/rotate-secret', auth: 'jwt', throttle: standard, access: write },
  { name: 'assignment-rules-get', entry: 'functions/assignment/get-rules.ts', method: 'GET', path: '/api/assignment-rules', auth: 'jwt', throttle: standard, access: read },
  { name: 'assignment-rules-put', entry: 'functions/assignment/put-rules.ts', method: 'PUT', path: '/api/assignment-rules', auth: 'jwt', throttle: standard, access: write },
  { name: 'assignment-rules-test', entry: 'functions/assignment/test-rules.ts', method: 'POST', path: '/api/assignment-rules/test', auth: 'jwt', throttle: standard, access: read },
  { name: 'notifications-list', entry: 'functions/notifications/list.ts', method: 'GET', path: '/api/notifications', auth: 'jwt', throttle: standard, access: read },
  { name: 'notifications-read', entry: 'functions/notifications/read.ts', method: 'POST', path: '/api/notifications/{id}/read', auth: 'jwt', throttle: standard, access: write },
  { name: 'tasks-list', entry: 'functions/tasks/list.ts', method: 'GET', path: '/api/tasks', auth: 'jwt', throttle: standard, access: read },
  { name: 'users-update', entry: 'functions/users/update.ts', method: 'PATCH', path: '/api/users/{id}', auth: 'jwt', throttle: standard, access: write },
];

function leadWorkflow(): RouteDeclaration[] {
  return (['claim', 'activities', 'convert'] as const).map((op) => ({
    name: `leads-${op}`, entry: `functions/leads/${op}.ts`, method: 'POST', path: `/api/leads/{id}/${op}`,
    auth: 'jwt', throttle: standard, access: write,
  }));
}
