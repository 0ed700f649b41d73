import { httpHandler, json } from '#commons/http.ts';
import { unitHandler, type RouteTable } from '#commons/router.ts';
import { eventCatalogueDocument, openApiDocument } from '../platform/openapi.ts';

/** Deploy unit `platform`: the liveness probe and the public API documents (OpenAPI, the event catalogue). */
export const routes: RouteTable = {
  /** Liveness for load balancers and the deploy smoke test. */
  'GET /api/health': httpHandler(async () => json(200, { status: 'ok' }), { auth: false }),
  'GET /api/openapi.json': openApiDocument,
  'GET /api/events.json': eventCatalogueDocument,
};

export const handler = unitHandler(routes);
