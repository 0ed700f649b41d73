import { httpHandler, json, noContent } from '#commons/http.ts';
import type { RouteTable } from '#commons/router.ts';
import { sendMail } from '../notifications/mailer.ts';
import { assertCan } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { record } from '../records/handlers.ts';
import { deleteRecord, etag, restoreRecord } from '../records/service.ts';
import { emailTemplateEntity as def } from './entity.ts';
import { createTemplate, previewTemplate, testSendTemplate, updateTemplate } from './service.ts';

const base = '/api/email-templates';

/** The email-templates routes of the marketing unit (issue 10), by route key; declared in contracts/marketing/. */
export const email_templatesRoutes: RouteTable = {
  [`POST ${base}`]: httpHandler(async ({ principal, body }) => {
    const t = await createTemplate(principal, body, recordDeps());
    return json(201, t, { etag: etag(t.version), location: `${base}/${t.id}` });
  }),
  [`GET ${base}`]: record.list(def),
  [`GET ${base}/{id}`]: record.get(def),
  [`PATCH ${base}/{id}`]: httpHandler(async ({ principal, params, body, headers }) => {
    const t = await updateTemplate(principal, params.id!, body, headers['if-match'], recordDeps());
    return json(200, t, { etag: etag(t.version) });
  }),
  [`DELETE ${base}/{id}`]: httpHandler(async ({ principal, params, headers }) => {
    assertCan(principal, 'email-templates:manage');
    await deleteRecord(def, principal, params.id!, headers['if-match'], recordDeps());
    return noContent();
  }),
  [`POST ${base}/{id}/restore`]: httpHandler(async ({ principal, params }) => {
    assertCan(principal, 'email-templates:manage');
    const t = await restoreRecord(def, principal, params.id!, recordDeps());
    return json(200, t, { etag: etag(t.version) });
  }),
  [`GET ${base}/{id}/timeline`]: record.timeline(def),
  [`GET ${base}/{id}/audit`]: record.audit(def),
  [`POST ${base}/{id}/preview`]: httpHandler(async ({ principal, params, body }) => json(200, await previewTemplate(principal, params.id!, body, recordDeps()))),
  [`POST ${base}/{id}/test-send`]: httpHandler(async ({ principal, params, body }) =>
    json(202, await testSendTemplate(principal, params.id!, body, recordDeps(), (to, mail, headers) => sendMail(to, mail, [], { headers })))),
};
