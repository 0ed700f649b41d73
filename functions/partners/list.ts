import { assertCan } from '../policy/policy.ts';
import { httpHandler, json } from '#commons/http.ts';
import { listPartners, publicPartner } from './store.ts';

/** GET /api/partners (admins), without secrets. */
export const getPartners = httpHandler(async ({ principal }) => {
  assertCan(principal, 'partners:manage');
  return json(200, { items: (await listPartners(principal.tenantId)).map(publicPartner) });
});
