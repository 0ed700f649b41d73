import { httpHandler, json, noContent } from '#commons/http.ts';
import { metadataDeps } from './deps.ts';
import { tenantOpenApi } from './openapi.ts';
import {
  addField, createObject, deactivateField, deactivateObject, describeMetadata, getJob, purgeField, restoreField, restoreObject, setLayout, updateField, updateObject,
} from './service.ts';

/** The metadata routes (unit `settings`): HTTP in, the metadata service, HTTP out. */
export const metadata = {
  describe: httpHandler(async ({ principal, query }) => json(200, await describeMetadata(principal, query, metadataDeps()))),
  addField: httpHandler(async ({ principal, params, body }) => {
    const f = await addField(principal, params.object!, body, metadataDeps());
    return json(201, f, { location: `/api/metadata/objects/${params.object}/fields/${f.apiName}` });
  }),
  updateField: httpHandler(async ({ principal, params, body }) => json(200, await updateField(principal, params.object!, params.field!, body, metadataDeps()))),
  deactivateField: httpHandler(async ({ principal, params }) => {
    await deactivateField(principal, params.object!, params.field!, metadataDeps());
    return noContent();
  }),
  restoreField: httpHandler(async ({ principal, params }) => json(200, await restoreField(principal, params.object!, params.field!, metadataDeps()))),
  /** 202 with the job; its progress at GET /api/metadata/jobs/{id} (Location). */
  purgeField: httpHandler(async ({ principal, params, body }) => {
    const job = await purgeField(principal, params.object!, params.field!, body, metadataDeps());
    return json(202, job, { location: `/api/metadata/jobs/${job.id}` });
  }),
  job: httpHandler(async ({ principal, params }) => json(200, await getJob(principal, params.id!, metadataDeps()), { 'cache-control': 'no-store' })),
  createObject: httpHandler(async ({ principal, body }) => {
    const o = await createObject(principal, body, metadataDeps());
    return json(201, o, { location: `/api/metadata/objects/${o.apiName}` });
  }),
  updateObject: httpHandler(async ({ principal, params, body }) => json(200, await updateObject(principal, params.object!, body, metadataDeps()))),
  deactivateObject: httpHandler(async ({ principal, params }) => {
    await deactivateObject(principal, params.object!, metadataDeps());
    return noContent();
  }),
  /** The order of an object's fields (standard or custom). */
  setLayout: httpHandler(async ({ principal, params, body }) => json(200, await setLayout(principal, params.object!, body, metadataDeps()))),
  restoreObject: httpHandler(async ({ principal, params }) => json(200, await restoreObject(principal, params.object!, metadataDeps()))),
  /** The workspace's own OpenAPI document (private: it names the tenant's fields). */
  openApi: httpHandler(async ({ principal }) => json(200, await tenantOpenApi(principal, metadataDeps()), { 'cache-control': 'private, no-store' })),
};
