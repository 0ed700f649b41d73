import { httpHandler, json } from '#commons/http.ts';
import { unitHandler, type RouteTable } from '#commons/router.ts';
import { leadEntity } from '../leads/entity.ts';
import { claimLead, convertLead, enterLead, logActivity } from '../leads/workflow.ts';
import { recordDeps } from '../records/deps.ts';
import { record } from '../records/handlers.ts';
import { etag } from '../records/service.ts';
import { claimFromPool, POOL, releaseByOwner } from '../follow-up/pool.ts';

/** Deploy unit `leads`: the lead records and their workflow (SFA-1, SFA-3). */
export const routes: RouteTable = {
  /** Manual entry (SFA-1): deduplicated and assigned like any other lead. */
  'POST /api/leads': httpHandler(async ({ principal, body }) => {
    const lead = await enterLead(principal, body, recordDeps());
    return json(201, lead, { etag: etag(lead.version), location: `/api/leads/${lead.id}` });
  }),
  'GET /api/leads': record.list(leadEntity),
  'GET /api/leads/{id}': record.get(leadEntity),
  'PATCH /api/leads/{id}': record.update(leadEntity),
  'DELETE /api/leads/{id}': record.remove(leadEntity),
  'POST /api/leads/{id}/restore': record.restore(leadEntity),
  'GET /api/leads/{id}/timeline': record.timeline(leadEntity),
  'GET /api/leads/{id}/audit': record.audit(leadEntity),
  /** Take a lead from the unassigned queue, or from the shared pool (within the rep's claim limit, SFA-6). */
  'POST /api/leads/{id}/claim': httpHandler(async ({ principal, params }) => {
    const deps = recordDeps();
    const current = await deps.store.get(principal.tenantId, 'lead', params.id!);
    const lead = current?.ownerId === POOL ? await claimFromPool(principal, 'lead', params.id!, deps) : await claimLead(principal, params.id!, deps);
    return json(200, lead, { etag: etag(lead.version) });
  }),
  /** Hand one's lead to the shared pool (not within the cool-down after claiming it). */
  'POST /api/leads/{id}/release': httpHandler(async ({ principal, params }) => {
    const lead = await releaseByOwner(principal, 'lead', params.id!, recordDeps());
    return json(200, lead, { etag: etag(lead.version) });
  }),
  /** Log a call, email, meeting or note (cancels the call-back timer). */
  'POST /api/leads/{id}/activities': httpHandler(async ({ principal, params, body }) => {
    const lead = await logActivity(principal, params.id!, body, recordDeps());
    return json(201, lead, { etag: etag(lead.version) });
  }),
  /** Account + contact (+ opportunity), deduplicated. */
  'POST /api/leads/{id}/convert': httpHandler(async ({ principal, params, body, headers }) => {
    const { etag: tag, ...result } = await convertLead(principal, params.id!, body, headers['if-match'], recordDeps());
    return json(200, result, { etag: tag });
  }),
};

export const handler = unitHandler(routes);
