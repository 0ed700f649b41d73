import { httpHandler, json } from '#commons/http.ts';
import { forbidden } from '#commons/problem.ts';
import { listPartners, publicPartner } from './store.ts';

/** GET /api/partners (admins), without secrets. */
export const getPartners = httpHandler(async ({ principal }) => {
  if (principal.role !== 'admin') throw forbidden('Only admins manage partners.');
  return json(200, { items: (await listPartners(principal.tenantId)).map(publicPartner) });
});
