import { unitHandler, type RouteTable } from '#commons/router.ts';
import { opportunityEntity } from '../opportunities/entity.ts';
import { record } from '../records/handlers.ts';

/** Deploy unit `sales`: opportunities (SFA-4). */
export const routes: RouteTable = {
  'GET /api/opportunities': record.list(opportunityEntity),
  'GET /api/opportunities/{id}': record.get(opportunityEntity),
};

export const handler = unitHandler(routes);
