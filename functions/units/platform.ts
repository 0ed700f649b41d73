import { httpHandler, json } from '#commons/http.ts';
import { unitHandler, type RouteTable } from '#commons/router.ts';
import { openApiDocument } from '../platform/openapi.ts';

/** Deploy unit `platform`: public documents and the liveness probe. */
export const routes: RouteTable = {
  /** Liveness for load balancers and the deploy smoke test. */
  'GET /api/health': httpHandler(async () => json(200, { status: 'ok' }), { auth: false }),
  'GET /api/openapi.json': openApiDocument,
};

export const handler = unitHandler(routes);
