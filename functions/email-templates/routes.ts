import type { RouteTable } from '#commons/router.ts';

/** The email-templates routes of the marketing unit (issue 10), by route key; declared in contracts/marketing/. */
export const email_templatesRoutes: RouteTable = {};
