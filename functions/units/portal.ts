import { unitHandler, type RouteTable } from '#commons/router.ts';
import { answerSurvey, getSurvey } from '../surveys/handlers.ts';
import { portalHandlers as p } from '../portal/handlers.ts';
import { portalArticles } from '../knowledge/portal.ts';
import { consentPublicRoutes } from '../consent/public-routes.ts';

/** Deploy unit `portal`: what customers reach without a staff sign-in — CSAT surveys (SVC-5) and the customer portal (SVC-3). */
export const routes: RouteTable = {
  'GET /api/surveys/{token}': getSurvey,
  'POST /api/surveys/{token}': answerSurvey,
  'POST /api/portal/{tenant}/magic-link': p.magicLink,
  'POST /api/portal/{tenant}/sessions': p.openSession,
  'DELETE /api/portal/{tenant}/sessions': p.closeSession,
  'GET /api/portal/{tenant}/me': p.me,
  'GET /api/portal/{tenant}/tickets': p.list,
  'POST /api/portal/{tenant}/tickets': p.create,
  'GET /api/portal/{tenant}/tickets/{id}': p.get,
  'POST /api/portal/{tenant}/tickets/{id}/replies': p.reply,
  'GET /api/portal/{tenant}/articles': portalArticles.search,
  'GET /api/portal/{tenant}/articles/{id}': portalArticles.get,
  // Issue 10: the email preference page and one-click unsubscribe (signed links).
  ...consentPublicRoutes,
};

export const handler = unitHandler(routes);
