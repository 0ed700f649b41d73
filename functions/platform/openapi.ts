import { httpHandler, json } from '#commons/http.ts';
import { routes } from '#contracts/routes.ts';
import { buildOpenApi } from '#schemas/openapi.ts';

let document: Record<string, unknown> | undefined;

/** GET /api/openapi.json: generated from the route declarations and the zod schemas (built on first request). */
export const openApiDocument = httpHandler(async () => json(200, (document ??= buildOpenApi(routes)), { 'cache-control': 'public, max-age=300' }), { auth: false });
