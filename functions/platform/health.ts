import { httpHandler, json } from '#commons/http.ts';

/** Liveness for load balancers and the deploy smoke test; public. */
export const handler = httpHandler(async () => json(200, { status: 'ok' }), { auth: false });
