import { httpHandler, json } from '#commons/http.ts';
import { recordDeps } from '../records/deps.ts';
import { etag } from '../records/service.ts';
import { logActivity } from './workflow.ts';

/** POST /api/leads/{id}/activities: log a call, email, meeting or note (cancels the call-back timer). */
export const handler = httpHandler(async ({ principal, params, body }) => {
  const lead = await logActivity(principal, params.id!, body, recordDeps());
  return json(201, lead, { etag: etag(lead.version) });
});
