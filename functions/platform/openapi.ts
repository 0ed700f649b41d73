import { httpHandler, json } from '#commons/http.ts';
import { asyncApiDocument } from '#contracts/events.ts';
import { routes } from '#contracts/routes.ts';
import { buildOpenApi } from '#schemas/openapi.ts';

const cached = { 'cache-control': 'public, max-age=300' };
let openApi: Record<string, unknown> | undefined;
let asyncApi: Record<string, unknown> | undefined;

/** GET /api/openapi.json: generated from the route declarations and the zod schemas (built on first request). */
export const openApiDocument = httpHandler(async () => json(200, (openApi ??= buildOpenApi(routes)), cached), { auth: false });

/** GET /api/events.json: the event catalogue as AsyncAPI 3.0, for integrators (next to the OpenAPI document). */
export const eventCatalogueDocument = httpHandler(async () => json(200, (asyncApi ??= asyncApiDocument()), cached), { auth: false });
