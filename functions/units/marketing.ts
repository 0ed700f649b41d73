import { unitHandler, type RouteTable } from '#commons/router.ts';
import { campaignsRoutes } from '../campaigns/routes.ts';
import { consentRoutes } from '../consent/routes.ts';
import { email_templatesRoutes } from '../email-templates/routes.ts';
import { journeysRoutes } from '../journeys/routes.ts';
import { marketingMailRoutes } from '../marketing-mail/routes.ts';
import { scoringRoutes } from '../scoring/routes.ts';

/**
 * Deploy unit `marketing` (issue 10): consent and suppression, email templates, campaigns and their sends,
 * nurturing journeys and lead scoring. Each part keeps its route table beside its handlers.
 */
export const routes: RouteTable = {
  ...consentRoutes,
  ...marketingMailRoutes,
  ...email_templatesRoutes,
  ...campaignsRoutes,
  ...journeysRoutes,
  ...scoringRoutes,
};

export const handler = unitHandler(routes);
