import type { RouteTable } from '#commons/router.ts';

/** The journeys routes of the marketing unit (issue 10), by route key; declared in contracts/marketing/. */
export const journeysRoutes: RouteTable = {};
