import { appUrl, requestOrigin } from '#commons/app-url.ts';
import { httpHandler, json } from '#commons/http.ts';
import { assertCan } from '../policy/policy.ts';
import { formSnippet } from './snippet.ts';
import { listForms } from './store.ts';

/** GET /api/forms (admins and marketers): the tenant's web-to-lead forms with their snippets. */
export const listFormsWithSnippets = httpHandler(async ({ principal, headers }) => {
  assertCan(principal, 'forms:read');
  const base = (await appUrl()) || requestOrigin(headers) || '';
  return json(200, {
    items: (await listForms(principal.tenantId)).map(({ tenantId: _t, ...f }) => ({ ...f, snippet: formSnippet({ ...f, tenantId: principal.tenantId }, base) })),
  });
});
