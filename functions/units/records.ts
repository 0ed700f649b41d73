import { unitHandler, type RouteTable } from '#commons/router.ts';
import { accountEntity } from '../accounts/entity.ts';
import { contactEntity } from '../contacts/entity.ts';
import { objectRecord, record } from '../records/handlers.ts';
import { searchHandler } from '../records/search/search.ts';
import { views } from '../views/handlers.ts';

/** Deploy unit `records`: accounts, contacts (CD-1, CD-2) and custom objects' records. One warm container serves a whole record page. */
export const routes: RouteTable = {
  'POST /api/accounts': record.create(accountEntity),
  'GET /api/accounts': record.list(accountEntity),
  'GET /api/accounts/{id}': record.get(accountEntity),
  'PATCH /api/accounts/{id}': record.update(accountEntity),
  'DELETE /api/accounts/{id}': record.remove(accountEntity),
  'POST /api/accounts/{id}/restore': record.restore(accountEntity),
  'GET /api/accounts/{id}/timeline': record.timeline(accountEntity),
  'GET /api/accounts/{id}/audit': record.audit(accountEntity),
  /** The contacts at an account, read from the account's own partition (one Query of `CH#contact#`). */
  'GET /api/accounts/{id}/contacts': record.children(accountEntity, 'contact'),

  'POST /api/contacts': record.create(contactEntity),
  'GET /api/contacts': record.list(contactEntity),
  'GET /api/contacts/{id}': record.get(contactEntity),
  'PATCH /api/contacts/{id}': record.update(contactEntity),
  'DELETE /api/contacts/{id}': record.remove(contactEntity),
  'POST /api/contacts/{id}/restore': record.restore(contactEntity),
  'GET /api/contacts/{id}/timeline': record.timeline(contactEntity),
  'GET /api/contacts/{id}/audit': record.audit(contactEntity),

  /** Custom objects (`/api/c_projects`, ...): the same operations on the entity built from metadata. */
  'POST /api/{object}': objectRecord.create,
  'GET /api/{object}': objectRecord.list,
  'GET /api/{object}/{id}': objectRecord.get,
  'PATCH /api/{object}/{id}': objectRecord.update,
  'DELETE /api/{object}/{id}': objectRecord.remove,
  'POST /api/{object}/{id}/restore': objectRecord.restore,
  'GET /api/{object}/{id}/timeline': objectRecord.timeline,
  'GET /api/{object}/{id}/audit': objectRecord.audit,
  /** Related records of any object, standard or custom: `/api/accounts/{id}/related/c_projects`. */
  'GET /api/{object}/{id}/related/{related}': objectRecord.related,

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
