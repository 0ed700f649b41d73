import { httpHandler, json } from '#commons/http.ts';
import { recordDeps } from '../records/deps.ts';
import { etag } from '../records/service.ts';
import { enterLead } from './workflow.ts';

/** POST /api/leads: manual entry (SFA-1). */
export const handler = httpHandler(async ({ principal, body }) => {
  const lead = await enterLead(principal, body, recordDeps());
  return json(201, lead, { etag: etag(lead.version), location: `/api/leads/${lead.id}` });
});
