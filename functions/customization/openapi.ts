import * as z from 'zod/mini';
import { routes, type RouteDeclaration } from '#contracts/routes.ts';
import { customRecord, operations, recordDocs, type OperationDoc } from '#schemas/api.ts';
import { valueSchema } from '#schemas/metadata.ts';
import { buildOpenApi, jsonSchema } from '#schemas/openapi.ts';
import type { Actor } from '../policy/policy.ts';
import { describeMetadata, type FieldView, type MetadataDeps, type ObjectView } from './service.ts';

/**
 * GET /api/metadata/openapi.json (authenticated): the OpenAPI document of one workspace, generated from its
 * metadata as the caller may see it. The standard objects' request and record schemas carry the tenant's
 * custom fields (a field the caller may only read is in records, not in request bodies); each active custom
 * object has its own paths (`/api/c_projects`, `/api/c_projects/{id}`, ...) in place of the generic
 * `/api/{object}` ones. The public `GET /api/openapi.json` stays the generic document.
 */

type Json = Record<string, unknown>;
type Schema = { properties?: Record<string, unknown>; required?: string[]; items?: Schema; additionalProperties?: unknown };

const GENERIC = '/api/{object}';

function fieldSchema(f: FieldView): Json {
  const s = jsonSchema(valueSchema(f)) as Json;
  return { ...s, title: f.label.en, description: `${f.label['zh-CN']}${f.helpText?.en ? ` — ${f.helpText.en}` : ''}${f.type === 'relation' ? ` (id of ${f.target}${f.many ? ', many' : ''})` : ''}` };
}

/** Adds custom fields to an object schema in place (records: readable; bodies: writable). */
function addProperties(schema: Schema | undefined, fields: readonly FieldView[], required: boolean): void {
  if (!schema?.properties) return;
  for (const f of fields) {
    schema.properties[f.apiName] = fieldSchema(f);
    if (required && f.required) schema.required = [...(schema.required ?? []), f.apiName];
  }
}

function augmentStandard(doc: Json, o: ObjectView): void {
  const custom = o.fields.filter((f) => f.custom);
  if (custom.length === 0) return;
  const writable = custom.filter((f) => f.writable);
  const paths = doc.paths as Record<string, Record<string, Json>>;
  for (const [path, methods] of Object.entries(paths)) {
    if (path !== `/api/${o.apiName}` && !path.startsWith(`/api/${o.apiName}/{id}`)) continue;
    for (const [method, op] of Object.entries(methods)) {
      const body = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.['application/json']?.schema;
      addProperties(body, writable, method === 'post');
      for (const response of Object.values((op.responses ?? {}) as Record<string, { content?: Record<string, { schema?: Schema }> }>)) {
        const schema = response.content?.['application/json']?.schema;
        if (!schema?.properties) continue;
        // A page ({items, nextCursor}) or a record.
        const record = schema.properties.items && (schema.properties.items as Schema).items ? (schema.properties.items as Schema).items : schema;
        if (record !== schema || !('nextCursor' in schema.properties)) addProperties(record, custom, false);
      }
    }
  }
}

function customObjectDocs(o: ObjectView): { routes: RouteDeclaration[]; ops: Record<string, OperationDoc> } {
  const fields = o.fields.filter((f) => f.custom);
  const writable = fields.filter((f) => f.writable);
  const shape = (list: readonly FieldView[], mode: 'create' | 'update' | 'record') => Object.fromEntries(list.map((f) => {
    const v = valueSchema(f);
    return [f.apiName, mode === 'create' && f.required ? v : mode === 'update' && !f.required ? z.optional(z.nullable(v)) : z.optional(v)];
  }));
  const owner = { ownerId: z.optional(z.string()) };
  const docs = recordDocs(o.apiName, o.label.en.toLowerCase(), {
    record: z.looseObject({ ...customRecord.shape, ...shape(fields, 'record') }),
    create: z.strictObject({ ...owner, ...shape(writable, 'create') }),
    update: z.strictObject({ ...owner, ...shape(writable, 'update') }),
  });
  const generic = routes.filter((r) => r.path.startsWith(GENERIC) && r.name !== 'objects-related');
  return {
    routes: generic.map((r) => ({ ...r, name: r.name.replace(/^objects-/, `${o.apiName}-`), path: r.path.replace(GENERIC, `/api/${o.apiName}`) })),
    ops: Object.fromEntries(Object.entries(docs).map(([k, v]) => [k, { ...v, tag: o.apiName }])),
  };
}

export async function tenantOpenApi(p: Actor, deps: MetadataDeps): Promise<Json> {
  const meta = await describeMetadata(p, {}, deps);
  const custom = meta.objects.filter((o) => o.custom);
  const built = custom.map(customObjectDocs);
  const own = routes.filter((r) => !r.path.startsWith(GENERIC) || r.name === 'objects-related');
  const doc = buildOpenApi(
    [...own, ...built.flatMap((b) => b.routes)],
    { ...operations, ...Object.assign({}, ...built.map((b) => b.ops)) },
    `The API of this workspace (metadata version ${meta.version}): its custom fields and custom objects included. Every request is scoped to the tenant in your token.`,
  );
  for (const o of meta.objects.filter((x) => !x.custom)) augmentStandard(doc, o);
  return doc;
}
