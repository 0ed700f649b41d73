import { httpHandler, json } from '#commons/http.ts';
import { recordDeps } from '../records/deps.ts';
import { etag } from '../records/service.ts';
import { claimLead } from './workflow.ts';

/** POST /api/leads/{id}/claim: take a lead from the unassigned queue. */
export const handler = httpHandler(async ({ principal, params }) => {
  const lead = await claimLead(principal, params.id!, recordDeps());
  return json(200, lead, { etag: etag(lead.version) });
});
