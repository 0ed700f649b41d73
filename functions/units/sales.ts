import { unitHandler, type RouteTable } from '#commons/router.ts';
import { opportunityEntity } from '../opportunities/entity.ts';
import { record } from '../records/handlers.ts';

/** Deploy unit `sales`: opportunities (SFA-4). */
export const routes: RouteTable = {
  'POST /api/opportunities': record.create(opportunityEntity),
  'GET /api/opportunities': record.list(opportunityEntity),
  'GET /api/opportunities/{id}': record.get(opportunityEntity),
  'PATCH /api/opportunities/{id}': record.update(opportunityEntity),
  'DELETE /api/opportunities/{id}': record.remove(opportunityEntity),
  'POST /api/opportunities/{id}/restore': record.restore(opportunityEntity),
  'GET /api/opportunities/{id}/timeline': record.timeline(opportunityEntity),
  'GET /api/opportunities/{id}/audit': record.audit(opportunityEntity),
};

export const handler = unitHandler(routes);
