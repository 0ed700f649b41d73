import { unitHandler, type RouteTable } from '#commons/router.ts';
import { ticketHandlers as t } from '../tickets/handlers.ts';
import { articleHandlers as a } from '../knowledge/handlers.ts';
import { npsHandlers as n } from '../nps/handlers.ts';

/** Deploy unit `service`: the service desk's tickets, their conversation and SLA (SVC-1, SVC-4), the knowledge base (SVC-2) and NPS (SVC-5). */
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
  'POST /api/tickets/{id}/attachments': t.upload,
  'GET /api/tickets/{id}/attachments/{n}': t.download,
  'POST /api/tickets/{id}/merge': t.merge,
  'GET /api/service/dashboard': t.dashboard,
  'GET /api/settings/service-desk': t.settings,
  'PUT /api/settings/service-desk': t.putSettings,
  'GET /api/tickets/{id}/suggested-articles': a.suggested,
  'POST /api/articles': a.create,
  'GET /api/articles': a.list,
  'GET /api/articles/{id}': a.get,
  'PATCH /api/articles/{id}': a.update,
  'DELETE /api/articles/{id}': a.remove,
  'POST /api/articles/{id}/restore': a.restore,
  'GET /api/articles/{id}/timeline': a.timeline,
  'GET /api/articles/{id}/audit': a.audit,
  'POST /api/articles/{id}/publish': a.publish,
  'POST /api/articles/{id}/unpublish': a.unpublish,
  'GET /api/articles/{id}/revisions': a.revisions,
  'GET /api/articles/{id}/translations': a.translations,
  'GET /api/knowledge/search': a.search,
  'GET /api/settings/nps': n.settings,
  'PUT /api/settings/nps': n.putSettings,
  'POST /api/settings/nps/send': n.sendNow,
};

export const handler = unitHandler(routes);
