import { httpHandler, json } from '#commons/http.ts';
import { routes } from '#declarations/routes.ts';
import { buildOpenApi } from '#schemas/openapi.ts';

const document = buildOpenApi(routes);

/** GET /api/openapi.json: generated from the route declarations and the zod schemas. */
export const handler = httpHandler(async () => json(200, document, { 'cache-control': 'public, max-age=300' }), { auth: false });
