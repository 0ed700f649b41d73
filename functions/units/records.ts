import { unitHandler, type RouteTable } from '#commons/router.ts';
import { accountEntity } from '../accounts/entity.ts';
import { contactEntity } from '../contacts/entity.ts';
import { record } from '../records/handlers.ts';
import { searchHandler } from '../records/search/search.ts';
import { views } from '../views/handlers.ts';

/** Deploy unit `records`: accounts and contacts (CD-1, CD-2). One warm container serves a whole record page. */
export const routes: RouteTable = {
  'POST /api/accounts': record.create(accountEntity),
  'GET /api/accounts': record.list(accountEntity),
  'GET /api/accounts/{id}': record.get(accountEntity),
  'PATCH /api/accounts/{id}': record.update(accountEntity),
  'DELETE /api/accounts/{id}': record.remove(accountEntity),
  'POST /api/accounts/{id}/restore': record.restore(accountEntity),
  'GET /api/accounts/{id}/timeline': record.timeline(accountEntity),
  'GET /api/accounts/{id}/audit': record.audit(accountEntity),
  /** The contacts at an account, read from the account's own partition (one Query). */
  'GET /api/accounts/{id}/contacts': record.children(accountEntity, 'contact'),

  'POST /api/contacts': record.create(contactEntity),
  'GET /api/contacts': record.list(contactEntity),
  'GET /api/contacts/{id}': record.get(contactEntity),
  'PATCH /api/contacts/{id}': record.update(contactEntity),
  'DELETE /api/contacts/{id}': record.remove(contactEntity),
  'POST /api/contacts/{id}/restore': record.restore(contactEntity),
  'GET /api/contacts/{id}/timeline': record.timeline(contactEntity),
  'GET /api/contacts/{id}/audit': record.audit(contactEntity),

  /** One search across accounts, contacts, leads and opportunities (functions/records/search/search.ts). */
  'GET /api/search': searchHandler,

  /** Saved views and segments (functions/views). */
  'GET /api/views': views.list,
  'POST /api/views': views.create,
  'PUT /api/views/last': views.last,
  'GET /api/views/{id}': views.get,
  'PATCH /api/views/{id}': views.update,
  'DELETE /api/views/{id}': views.remove,
  'GET /api/views/{id}/count': views.count,
};

export const handler = unitHandler(routes);
