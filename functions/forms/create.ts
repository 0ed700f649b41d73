import { systemClock } from '#commons/clock.ts';
import { appUrl, requestOrigin } from '#commons/app-url.ts';
import { newId } from '#commons/ids.ts';
import { httpHandler, json } from '#commons/http.ts';
import { formCreate } from '#schemas/form.ts';
import { assertCan } from '../policy/policy.ts';
import { parse } from '../records/service.ts';
import { formSnippet } from './snippet.ts';
import { putForm } from './store.ts';

/** POST /api/forms (admins and marketers): a web-to-lead form and its embeddable snippet. */
export const createForm = httpHandler(async ({ principal, body, headers }) => {
  assertCan(principal, 'forms:manage');
  const input = parse(formCreate, body);
  const now = systemClock();
  const form = { ...input, id: `frm_${newId(now).toLowerCase()}`, tenantId: principal.tenantId, createdAt: now.toISOString(), createdBy: principal.userId };
  await putForm(form);
  const { tenantId: _t, ...shown } = form;
  return json(201, { ...shown, snippet: formSnippet(form, (await appUrl()) || requestOrigin(headers) || '') });
});
