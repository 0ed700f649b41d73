import { httpHandler, json, noContent } from '#commons/http.ts';
import type { EntityDefinition } from './entity.ts';
import { recordDeps } from './deps.ts';
import {
  childRecords, createRecord, deleteRecord, etag, getRecord, listRecords, recordAudit, recordTimeline,
  restoreRecord, updateRecord,
} from './service.ts';

/**
 * The standard record operations over HTTP, for any entity: the unit routers (functions/units/*.ts) key
 * them on their route, e.g. `'GET /api/contacts/{id}': record.get(contactEntity)`. They only translate
 * HTTP to the record service and back.
 */
export const record = {
  create: (def: EntityDefinition) =>
    httpHandler(async ({ principal, body }) => {
      const r = await createRecord(def, principal, body, recordDeps());
      return json(201, r, { etag: etag(r.version), location: `/api/${def.plural}/${r.id}` });
    }),
  get: (def: EntityDefinition) =>
    httpHandler(async ({ principal, params }) => {
      const r = await getRecord(def, principal, params.id!, recordDeps());
      return json(200, r, { etag: etag(r.version) });
    }),
  list: (def: EntityDefinition) =>
    httpHandler(async ({ principal, query }) => json(200, await listRecords(def, principal, query, recordDeps()))),
  update: (def: EntityDefinition) =>
    httpHandler(async ({ principal, params, body, headers }) => {
      const r = await updateRecord(def, principal, params.id!, body, headers['if-match'], recordDeps());
      return json(200, r, { etag: etag(r.version) });
    }),
  remove: (def: EntityDefinition) =>
    httpHandler(async ({ principal, params, headers }) => {
      await deleteRecord(def, principal, params.id!, headers['if-match'], recordDeps());
      return noContent();
    }),
  restore: (def: EntityDefinition) =>
    httpHandler(async ({ principal, params }) => {
      const r = await restoreRecord(def, principal, params.id!, recordDeps());
      return json(200, r, { etag: etag(r.version) });
    }),
  timeline: (def: EntityDefinition) =>
    httpHandler(async ({ principal, params, query }) => json(200, await recordTimeline(def, principal, params.id!, query, recordDeps()))),
  audit: (def: EntityDefinition) =>
    httpHandler(async ({ principal, params, query }) => json(200, await recordAudit(def, principal, params.id!, query, recordDeps()))),
  children: (parent: EntityDefinition, childType: string) =>
    httpHandler(async ({ principal, params, query }) => json(200, await childRecords(parent, childType, principal, params.id!, query, recordDeps()))),
};
