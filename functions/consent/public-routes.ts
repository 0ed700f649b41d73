import type { RouteTable } from '#commons/router.ts';

/** The public consent routes of the portal unit (issue 10): the preference page and one-click unsubscribe (signed links, no sign-in). */
export const consentPublicRoutes: RouteTable = {};
