import { httpHandler, json, noContent } from '#commons/http.ts';
import { metadataDeps } from './deps.ts';
import { addField, deactivateField, describeMetadata, restoreField, updateField } from './service.ts';

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
};
