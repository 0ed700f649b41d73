import { httpHandler, json, noContent } from '#commons/http.ts';
import type { EntityDefinition } from './entity.ts';
import { recordDeps } from './deps.ts';
import {
  childRecords, createRecord, deleteRecord, etag, getRecord, listRecords, recordAudit, recordTimeline,
  restoreRecord, updateRecord,
} from './service.ts';

/**
 * Route handlers for a record type; each functions/<plural>/<op>.ts exports one of these.
 * They only translate HTTP to the record service and back.
 */

export const createHandler = (def: EntityDefinition) =>
  httpHandler(async ({ principal, body }) => {
    const record = await createRecord(def, principal, body, recordDeps());
    return json(201, record, { etag: etag(record.version), location: `/api/${def.plural}/${record.id}` });
  });

export const getHandler = (def: EntityDefinition) =>
  httpHandler(async ({ principal, params }) => {
    const record = await getRecord(def, principal, params.id!, recordDeps());
    return json(200, record, { etag: etag(record.version) });
  });

export const listHandler = (def: EntityDefinition) =>
  httpHandler(async ({ principal, query }) => json(200, await listRecords(def, principal, query, recordDeps())));

export const updateHandler = (def: EntityDefinition) =>
  httpHandler(async ({ principal, params, body, headers }) => {
    const record = await updateRecord(def, principal, params.id!, body, headers['if-match'], recordDeps());
    return json(200, record, { etag: etag(record.version) });
  });

export const deleteHandler = (def: EntityDefinition) =>
  httpHandler(async ({ principal, params, headers }) => {
    await deleteRecord(def, principal, params.id!, headers['if-match'], recordDeps());
    return noContent();
  });

export const restoreHandler = (def: EntityDefinition) =>
  httpHandler(async ({ principal, params }) => {
    const record = await restoreRecord(def, principal, params.id!, recordDeps());
    return json(200, record, { etag: etag(record.version) });
  });

export const timelineHandler = (def: EntityDefinition) =>
  httpHandler(async ({ principal, params, query }) => json(200, await recordTimeline(def, principal, params.id!, query, recordDeps())));

export const auditHandler = (def: EntityDefinition) =>
  httpHandler(async ({ principal, params, query }) => json(200, await recordAudit(def, principal, params.id!, query, recordDeps())));

export const childrenHandler = (parent: EntityDefinition, childType: string) =>
  httpHandler(async ({ principal, params, query }) => json(200, await childRecords(parent, childType, principal, params.id!, query, recordDeps())));
