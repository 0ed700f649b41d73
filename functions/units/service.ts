import { unitHandler, type RouteTable } from '#commons/router.ts';
import { ticketHandlers as t } from '../tickets/handlers.ts';

/** Deploy unit `service`: the service desk's tickets, their conversation and SLA (SVC-1, SVC-4). */
export const routes: RouteTable = {
  'POST /api/tickets': t.create,
  'GET /api/tickets': t.list,
  'GET /api/tickets/{id}': t.get,
  'PATCH /api/tickets/{id}': t.update,
  'DELETE /api/tickets/{id}': t.remove,
  'POST /api/tickets/{id}/restore': t.restore,
  'GET /api/tickets/{id}/timeline': t.timeline,
  'GET /api/tickets/{id}/audit': t.audit,
  'POST /api/tickets/{id}/replies': t.reply,
  'GET /api/tickets/{id}/messages': t.messages,
  'POST /api/tickets/{id}/merge': t.merge,
  'GET /api/service/dashboard': t.dashboard,
  'GET /api/settings/service-desk': t.settings,
  'PUT /api/settings/service-desk': t.putSettings,
};

export const handler = unitHandler(routes);
