import { httpHandler, json, noContent, type HttpRequest, type HttpResult } from '#commons/http.ts';
import type { EntityDefinition } from './entity.ts';
import { recordDeps } from './deps.ts';
import type { FieldDefinition } from '#schemas/metadata.ts';
import { can } from '../policy/policy.ts';
import { objectEntity, objectType } from './objects.ts';
import { visibleLinks } from './relations.ts';
import {
  childRecords, createRecord, deleteRecord, etag, getRecord, listRecords, recordAudit, recordTimeline,
  restoreRecord, updateRecord,
} from './service.ts';

type Op = (def: EntityDefinition, req: HttpRequest) => Promise<HttpResult>;

/** Each record operation once, HTTP in and out, for whichever entity the route serves. */
const ops = {
  create: (async (def, { principal, body }) => {
    const r = await createRecord(def, principal, body, recordDeps());
    return json(201, r, { etag: etag(r.version), location: `/api/${def.plural}/${r.id}` });
  }) as Op,
  get: (async (def, { principal, params }) => {
    const r = await getRecord(def, principal, params.id!, recordDeps());
    return json(200, r, { etag: etag(r.version) });
  }) as Op,
  list: (async (def, { principal, query }) => json(200, await listRecords(def, principal, query, recordDeps()))) as Op,
  update: (async (def, { principal, params, body, headers }) => {
    const r = await updateRecord(def, principal, params.id!, body, headers['if-match'], recordDeps());
    return json(200, r, { etag: etag(r.version) });
  }) as Op,
  remove: (async (def, { principal, params, headers }) => {
    await deleteRecord(def, principal, params.id!, headers['if-match'], recordDeps());
    return noContent();
  }) as Op,
  restore: (async (def, { principal, params }) => {
    const r = await restoreRecord(def, principal, params.id!, recordDeps());
    return json(200, r, { etag: etag(r.version) });
  }) as Op,
  timeline: (async (def, { principal, params, query }) => json(200, await recordTimeline(def, principal, params.id!, query, recordDeps()))) as Op,
  audit: (async (def, { principal, params, query }) => json(200, await recordAudit(def, principal, params.id!, query, recordDeps()))) as Op,
};

/**
 * The standard record operations over HTTP, for any entity: the unit routers (functions/units/*.ts) key
 * them on their route, e.g. `'GET /api/contacts/{id}': record.get(contactEntity)`. They only translate
 * HTTP to the record service and back.
 */
export const record = {
  create: (def: EntityDefinition) => httpHandler((req) => ops.create(def, req)),
  get: (def: EntityDefinition) => httpHandler((req) => ops.get(def, req)),
  list: (def: EntityDefinition) => httpHandler((req) => ops.list(def, req)),
  update: (def: EntityDefinition) => httpHandler((req) => ops.update(def, req)),
  remove: (def: EntityDefinition) => httpHandler((req) => ops.remove(def, req)),
  restore: (def: EntityDefinition) => httpHandler((req) => ops.restore(def, req)),
  timeline: (def: EntityDefinition) => httpHandler((req) => ops.timeline(def, req)),
  audit: (def: EntityDefinition) => httpHandler((req) => ops.audit(def, req)),
  children: (parent: EntityDefinition, childType: string) =>
    httpHandler(async ({ principal, params, query }) => json(200, await childRecords(parent, childType, principal, params.id!, query, recordDeps()))),
};

/** The same operation for the custom object named by the `{object}` path parameter (404 if none is active). */
const onObject = (op: Op) => httpHandler(async (req) => op(await objectEntity(req.principal, req.params.object!, recordDeps()), req));

/**
 * The standard record operations for an entity made per request (opportunities with the tenant's pipelines,
 * functions/units/sales.ts).
 */
export const recordVia = (resolve: (req: HttpRequest) => Promise<EntityDefinition>) => {
  const via = (op: Op) => httpHandler(async (req) => op(await resolve(req), req));
  return {
    create: via(ops.create), get: via(ops.get), list: via(ops.list), update: via(ops.update),
    remove: via(ops.remove), restore: via(ops.restore), timeline: via(ops.timeline), audit: via(ops.audit),
  };
};

/**
 * The generic record routes (`/api/{object}`, `/api/{object}/{id}`, ...) for custom objects: they answer
 * exactly like the standard objects' routes. API Gateway (and the local runtime) prefer a static segment,
 * so `/api/contacts/...` never reaches these.
 */
export const objectRecord = {
  create: onObject(ops.create),
  get: onObject(ops.get),
  list: onObject(ops.list),
  update: onObject(ops.update),
  remove: onObject(ops.remove),
  restore: onObject(ops.restore),
  timeline: onObject(ops.timeline),
  audit: onObject(ops.audit),
  /**
   * `GET /api/{object}/{id}/related/{related}`: the `related` object's records that point at this record
   * (contacts and opportunities at an account, a custom object's records through a relation field): one
   * Query of this record's partition, `CH#<type>#`. The parent may be a standard or a custom object.
   */
  related: httpHandler(async ({ principal, params, query }) => {
    const deps = recordDeps();
    const [parentType, childType] = await Promise.all([objectType(principal, params.object!, deps), objectType(principal, params.related!, deps)]);
    const [page, custom] = await Promise.all([
      childRecords({ type: parentType }, childType, principal, params.id!, query, deps),
      deps.metadata?.customFields(principal.tenantId, childType),
    ]);
    const readable = (f: FieldDefinition) => can(principal, 'custom-field:read', f.permissions ? { fieldAccess: f.permissions } : {});
    return json(200, { ...page, items: visibleLinks(custom, readable, page.items) });
  }),
};
