import { unitHandler, type RouteTable } from '#commons/router.ts';
import { forecastHandlers } from '../forecast/handlers.ts';
import { opportunityEntityWith } from '../opportunities/entity.ts';
import { pipelineHandlers } from '../pipelines/handlers.ts';
import { loadPipelines } from '../pipelines/store.ts';
import { recordVia } from '../records/handlers.ts';
import { httpHandler, json } from '#commons/http.ts';
import { claimFromPool, releaseByOwner } from '../follow-up/pool.ts';
import { recordDeps } from '../records/deps.ts';
import { etag } from '../records/service.ts';

/** Opportunities are checked against the tenant's pipelines (stage ids, required fields, probabilities). */
const opportunity = recordVia(async (req) => opportunityEntityWith(await loadPipelines(req.principal.tenantId)));

/** Deploy unit `sales`: opportunities in pipelines, stage history, the forecast and quotas (SFA-4, SFA-9). */
export const routes: RouteTable = {
  'POST /api/opportunities': opportunity.create,
  'GET /api/opportunities': opportunity.list,
  'GET /api/opportunities/{id}': opportunity.get,
  'PATCH /api/opportunities/{id}': opportunity.update,
  'DELETE /api/opportunities/{id}': opportunity.remove,
  'POST /api/opportunities/{id}/restore': opportunity.restore,
  'GET /api/opportunities/{id}/timeline': opportunity.timeline,
  'GET /api/opportunities/{id}/audit': opportunity.audit,
  'GET /api/opportunities/{id}/stage-history': pipelineHandlers.stageHistory,
  /** The shared pool (SFA-6): claim a deal from it (within the rep's limit), or hand one's own back. */
  'POST /api/opportunities/{id}/claim': httpHandler(async ({ principal, params }) => {
    const deal = await claimFromPool(principal, 'opportunity', params.id!, recordDeps());
    return json(200, deal, { etag: etag(deal.version) });
  }),
  'POST /api/opportunities/{id}/release': httpHandler(async ({ principal, params }) => {
    const deal = await releaseByOwner(principal, 'opportunity', params.id!, recordDeps());
    return json(200, deal, { etag: etag(deal.version) });
  }),
  'GET /api/pipelines': pipelineHandlers.list,
  'POST /api/pipelines': pipelineHandlers.create,
  'PUT /api/pipelines/{id}': pipelineHandlers.put,
  'GET /api/forecast': forecastHandlers.get,
  'GET /api/forecast/deals': forecastHandlers.deals,
  'GET /api/quotas': forecastHandlers.quotas,
  'PUT /api/quotas': forecastHandlers.putQuota,
  'GET /api/settings/forecast': forecastHandlers.settings,
  'PUT /api/settings/forecast': forecastHandlers.putSettings,
  'POST /api/forecast/email': forecastHandlers.sendNow,
};

export const handler = unitHandler(routes);
