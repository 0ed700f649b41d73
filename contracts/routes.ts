import { intake, read, recordRoutes, route, write, type RouteDeclaration } from './route-kit.ts';
import { marketingRoutes } from './marketing/index.ts';

export { routeKey, type RouteDeclaration } from './route-kit.ts';

export const routes: readonly RouteDeclaration[] = [
  route('health', 'platform', 'GET', '/api/health', {}, 'none'),
  route('openapi', 'platform', 'GET', '/api/openapi.json', {}, 'none'),
  route('events', 'platform', 'GET', '/api/events.json', {}, 'none'),

  route('me', 'directory', 'GET', '/api/me', write),
  route('users-list', 'directory', 'GET', '/api/users', read),
  route('users-update', 'directory', 'PATCH', '/api/users/{id}', write),

  route('notifications-list', 'inbox', 'GET', '/api/notifications', read),
  route('notifications-read', 'inbox', 'POST', '/api/notifications/{id}/read', write),
  route('tasks-list', 'inbox', 'GET', '/api/tasks', read),
  ...recordRoutes('activities', 'inbox'),
  route('my-day', 'inbox', 'GET', '/api/my-day', read),
  route('calendar-feed-rotate', 'inbox', 'POST', '/api/my-day/calendar-feed', write),
  // Public at a secret address (calendar apps cannot sign in); the secret is stored only as a hash.
  route('calendar-feed', 'inbox', 'GET', '/api/calendar/{feed}', write, 'none'),

  ...recordRoutes('accounts', 'records'),
  route('accounts-contacts', 'records', 'GET', '/api/accounts/{id}/contacts', read),
  ...recordRoutes('contacts', 'records'),
  route('search', 'records', 'GET', '/api/search', read),
  // Custom objects (`c_` names) through one set of path-parameter routes; a static segment wins over
  // `{object}` (API Gateway's most specific match), so the standard objects' routes above keep serving them.
  ...recordRoutes('{object}', 'records').map((r) => ({ ...r, name: r.name.replace('{object}', 'objects') })),
  route('objects-related', 'records', 'GET', '/api/{object}/{id}/related/{related}', read),
  route('views-list', 'records', 'GET', '/api/views', read),
  route('views-create', 'records', 'POST', '/api/views', write),
  route('views-last', 'records', 'PUT', '/api/views/last', write),
  route('views-get', 'records', 'GET', '/api/views/{id}', read),
  route('views-update', 'records', 'PATCH', '/api/views/{id}', write),
  route('views-delete', 'records', 'DELETE', '/api/views/{id}', write),
  route('views-count', 'records', 'GET', '/api/views/{id}/count', read),

  ...recordRoutes('opportunities', 'sales'),
  route('opportunities-stage-history', 'sales', 'GET', '/api/opportunities/{id}/stage-history', read),
  route('opportunities-claim', 'sales', 'POST', '/api/opportunities/{id}/claim', write),
  route('opportunities-release', 'sales', 'POST', '/api/opportunities/{id}/release', write),
  route('pipelines-list', 'sales', 'GET', '/api/pipelines', read),
  route('pipelines-create', 'sales', 'POST', '/api/pipelines', write),
  route('pipelines-put', 'sales', 'PUT', '/api/pipelines/{id}', write),
  route('forecast-get', 'sales', 'GET', '/api/forecast', read),
  route('forecast-deals', 'sales', 'GET', '/api/forecast/deals', read),
  route('quotas-list', 'sales', 'GET', '/api/quotas', read),
  route('quotas-put', 'sales', 'PUT', '/api/quotas', write),
  route('settings-forecast-get', 'sales', 'GET', '/api/settings/forecast', read),
  route('settings-forecast-put', 'sales', 'PUT', '/api/settings/forecast', { table: 'readwrite', schedules: true }),
  route('forecast-email', 'sales', 'POST', '/api/forecast/email', { table: 'readwrite', sendEmail: true }),

  ...recordRoutes('tickets', 'service'),
  route('tickets-reply', 'service', 'POST', '/api/tickets/{id}/replies', write),
  route('tickets-messages', 'service', 'GET', '/api/tickets/{id}/messages', read),
  route('tickets-attachments-upload', 'service', 'POST', '/api/tickets/{id}/attachments', { table: 'read', files: 'readwrite' }),
  route('tickets-attachments-download', 'service', 'GET', '/api/tickets/{id}/attachments/{n}', { table: 'read', files: 'read' }),
  route('tickets-merge', 'service', 'POST', '/api/tickets/{id}/merge', write),
  route('service-dashboard', 'service', 'GET', '/api/service/dashboard', read),
  route('settings-service-desk-get', 'service', 'GET', '/api/settings/service-desk', read),
  route('settings-service-desk-put', 'service', 'PUT', '/api/settings/service-desk', write),
  route('tickets-suggested-articles', 'service', 'GET', '/api/tickets/{id}/suggested-articles', read),
  // The knowledge base (SVC-2): articles are records; publishing copies the draft into a numbered revision.
  ...recordRoutes('articles', 'service'),
  route('articles-publish', 'service', 'POST', '/api/articles/{id}/publish', write),
  route('articles-unpublish', 'service', 'POST', '/api/articles/{id}/unpublish', write),
  route('articles-revisions', 'service', 'GET', '/api/articles/{id}/revisions', read),
  route('articles-translations', 'service', 'GET', '/api/articles/{id}/translations', read),
  route('knowledge-search', 'service', 'GET', '/api/knowledge/search', read),
  // NPS (SVC-5): a periodic survey of a segment's contacts, on a recurring Scheduler schedule.
  route('settings-nps-get', 'service', 'GET', '/api/settings/nps', read),
  route('settings-nps-put', 'service', 'PUT', '/api/settings/nps', { table: 'readwrite', schedules: true }),
  route('settings-nps-send', 'service', 'POST', '/api/settings/nps/send', { table: 'readwrite', sendEmail: true }),

  ...recordRoutes('leads', 'leads'),
  route('leads-claim', 'leads', 'POST', '/api/leads/{id}/claim', write),
  route('leads-release', 'leads', 'POST', '/api/leads/{id}/release', write),
  route('leads-activities', 'leads', 'POST', '/api/leads/{id}/activities', write),
  route('leads-convert', 'leads', 'POST', '/api/leads/{id}/convert', write),

  route('forms-create', 'settings', 'POST', '/api/forms', write),
  route('forms-list', 'settings', 'GET', '/api/forms', read),
  route('partners-create', 'settings', 'POST', '/api/partners', write),
  route('partners-list', 'settings', 'GET', '/api/partners', read),
  route('partners-rotate', 'settings', 'POST', '/api/partners/{id}/rotate-secret', write),
  route('assignment-rules-get', 'settings', 'GET', '/api/assignment-rules', read),
  route('assignment-rules-put', 'settings', 'PUT', '/api/assignment-rules', write),
  route('assignment-rules-test', 'settings', 'POST', '/api/assignment-rules/test', read),
  route('settings-follow-up-get', 'settings', 'GET', '/api/settings/follow-up', read),
  route('settings-follow-up-put', 'settings', 'PUT', '/api/settings/follow-up', write),
  route('metadata-get', 'settings', 'GET', '/api/metadata', read),
  route('metadata-openapi', 'settings', 'GET', '/api/metadata/openapi.json', read),
  route('metadata-objects-create', 'settings', 'POST', '/api/metadata/objects', write),
  route('metadata-objects-update', 'settings', 'PATCH', '/api/metadata/objects/{object}', write),
  route('metadata-objects-delete', 'settings', 'DELETE', '/api/metadata/objects/{object}', write),
  route('metadata-objects-restore', 'settings', 'POST', '/api/metadata/objects/{object}/restore', write),
  route('metadata-objects-layout', 'settings', 'PUT', '/api/metadata/objects/{object}/layout', write),
  route('metadata-fields-create', 'settings', 'POST', '/api/metadata/objects/{object}/fields', write),
  route('metadata-fields-update', 'settings', 'PATCH', '/api/metadata/objects/{object}/fields/{field}', write),
  route('metadata-fields-delete', 'settings', 'DELETE', '/api/metadata/objects/{object}/fields/{field}', write),
  route('metadata-fields-restore', 'settings', 'POST', '/api/metadata/objects/{object}/fields/{field}/restore', write),
  route('metadata-fields-purge', 'settings', 'POST', '/api/metadata/objects/{object}/fields/{field}/purge', write),
  route('metadata-jobs-get', 'settings', 'GET', '/api/metadata/jobs/{id}', read),
  route('metadata-sharing-get', 'settings', 'GET', '/api/metadata/objects/{object}/sharing', read),
  route('metadata-sharing-put', 'settings', 'PUT', '/api/metadata/objects/{object}/sharing', write),

  // Customers, not staff: a survey link's token is its only key (single answer, expiring).
  route('surveys-get', 'portal', 'GET', '/api/surveys/{token}', read, 'none', intake),
  route('surveys-answer', 'portal', 'POST', '/api/surveys/{token}', write, 'none', intake),
  // The customer portal (SVC-3): its own session (a magic link exchanged once), never the staff token.
  route('portal-magic-link', 'portal', 'POST', '/api/portal/{tenant}/magic-link', { table: 'readwrite', sendEmail: true }, 'none', intake),
  route('portal-sessions-open', 'portal', 'POST', '/api/portal/{tenant}/sessions', write, 'none', intake),
  route('portal-sessions-close', 'portal', 'DELETE', '/api/portal/{tenant}/sessions', write, 'none', intake),
  route('portal-me', 'portal', 'GET', '/api/portal/{tenant}/me', read, 'none', intake),
  route('portal-tickets-list', 'portal', 'GET', '/api/portal/{tenant}/tickets', read, 'none', intake),
  route('portal-tickets-create', 'portal', 'POST', '/api/portal/{tenant}/tickets', write, 'none', intake),
  route('portal-tickets-get', 'portal', 'GET', '/api/portal/{tenant}/tickets/{id}', read, 'none', intake),
  route('portal-tickets-reply', 'portal', 'POST', '/api/portal/{tenant}/tickets/{id}/replies', write, 'none', intake),
  // Published, public articles: no session needed (a customer finds the answer before asking).
  route('portal-articles-search', 'portal', 'GET', '/api/portal/{tenant}/articles', read, 'none', intake),
  route('portal-articles-get', 'portal', 'GET', '/api/portal/{tenant}/articles/{id}', read, 'none', intake),

  route('webhooks-leads', 'intake', 'POST', '/api/webhooks/leads/{partnerId}', write, 'none', intake),
  // A chat integration posts a conversation's messages, signed like the lead webhook (SVC-1).
  route('webhooks-chat', 'intake', 'POST', '/api/webhooks/chat/{partnerId}', write, 'none', intake),
  route('forms-submit', 'intake', 'POST', '/api/forms/{formId}/submissions', write, 'none', intake),

  // Issue 10 (marketing): each part declares its routes beside its events (contracts/marketing/).
  ...marketingRoutes,
];
