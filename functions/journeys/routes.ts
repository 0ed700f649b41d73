import type { RouteTable } from '#commons/router.ts';
import { journeyHandlers as h } from './handlers.ts';

/** The journeys routes of the marketing unit (issue 10), by route key; declared in contracts/marketing/journeys.ts. */
export const journeysRoutes: RouteTable = {
  'GET /api/journeys': h.list,
  'POST /api/journeys': h.create,
  'GET /api/journeys/{id}': h.get,
  'PUT /api/journeys/{id}': h.update,
  'POST /api/journeys/{id}/activate': h.activate,
  'POST /api/journeys/{id}/pause': h.pause,
  'GET /api/journeys/{id}/stats': h.stats,
  'GET /api/journeys/{id}/members/{recordId}': h.member,
  'GET /api/journey-members/{recordId}': h.ofRecord,
};
