import type { RouteTable } from '#commons/router.ts';
import { httpHandler, json } from '#commons/http.ts';

/** The consent routes of the marketing unit (issue 10), by route key; declared in contracts/marketing/consent.ts. */
export const consentRoutes: RouteTable = {
  // Scaffold: the subscription types people consent to (the consent part makes these the tenant's settings).
  'GET /api/settings/marketing': httpHandler(async () => json(200, { subscriptionTypes: [{ id: 'newsletter' }, { id: 'product-updates' }, { id: 'events' }] })),
};
