import * as z from 'zod/mini';
import { operations, type OperationDoc } from './api.ts';

interface RouteLike {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly auth: 'jwt' | 'none';
}

const problem = {
  description: 'Problem details (RFC 9457)',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        properties: {
          type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
          errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' }, code: { type: 'string' } } } },
        },
      },
    },
  },
};

export const jsonSchema = (s: z.ZodMiniType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/**
 * The OpenAPI 3.1 document, generated from the route declarations and the zod schemas. `ops` and
 * `description` let the per-tenant document (functions/customization/openapi.ts) add its objects' operations.
 */
export function buildOpenApi(
  routes: readonly RouteLike[], ops: Readonly<Record<string, OperationDoc>> = operations,
  description = 'Every request is scoped to the tenant in your token.',
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const op = ops[route.name];
    if (!op) throw new Error(`No OpenAPI description for route ${route.name}`);
    const params: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (op.query) {
      const q = jsonSchema(op.query) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) params.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
    }
    if (op.ifMatch) params.push({ name: 'If-Match', in: 'header', required: false, schema: { type: 'string' }, description: 'ETag of the version you edited; a stale one answers 412' });
    const status = String(op.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: op.response
        ? { description: 'OK', content: { 'application/json': { schema: jsonSchema(op.response) } } }
        : { description: status === '204' ? 'No Content' : 'OK' },
      400: problem,
      ...(route.auth === 'jwt' ? { 401: { description: 'Missing or invalid bearer token' }, 403: problem, 404: problem } : {}),
      ...(op.ifMatch ? { 412: problem } : {}),
      ...(op.request ? { 409: problem } : {}),
    };
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.name,
      summary: op.summary,
      tags: [op.tag],
      ...(route.auth === 'jwt' ? { security: [{ cognito: [] }] } : { security: [] }),
      ...(params.length ? { parameters: params } : {}),
      ...(op.request ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.request) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Cirrus CRM API', version: '0.1.0', description },
    servers: [{ url: '/' }],
    components: { securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (Cognito ID token)' } } },
    paths,
  };
}
