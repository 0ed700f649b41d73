import type { RouteTable } from '#commons/router.ts';
import { campaignHandlers as c } from './handlers.ts';

/** The campaigns routes of the marketing unit (issue 10), by route key; declared in contracts/marketing/campaigns.ts. */
export const campaignsRoutes: RouteTable = {
  'POST /api/campaigns': c.create,
  'GET /api/campaigns': c.list,
  'GET /api/campaigns/{id}': c.get,
  'PATCH /api/campaigns/{id}': c.update,
  'DELETE /api/campaigns/{id}': c.remove,
  'POST /api/campaigns/{id}/restore': c.restore,
  'GET /api/campaigns/{id}/timeline': c.timeline,
  'GET /api/campaigns/{id}/audit': c.audit,
  'POST /api/campaigns/{id}/send': c.send,
  'POST /api/campaigns/{id}/cancel-send': c.cancelSend,
  'GET /api/campaigns/{id}/members': c.members,
  'POST /api/campaigns/{id}/members': c.addMembers,
};
