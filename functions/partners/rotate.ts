import { systemClock } from '#commons/clock.ts';
import { assertCan } from '../policy/policy.ts';
import { httpHandler, json } from '#commons/http.ts';
import { notFound } from '#commons/errors.ts';
import { rotateSecret } from './store.ts';

/** POST /api/partners/{id}/rotate-secret (admins): a new secret; the old one keeps working for 24 h. */
export const rotatePartnerSecret = httpHandler(async ({ principal, params }) => {
  assertCan(principal, 'partners:manage');
  const partner = await rotateSecret(principal.tenantId, params.id!, systemClock());
  if (!partner) throw notFound('No such partner.');
  return json(200, { id: partner.id, secret: partner.secret, previousSecretValidUntil: partner.previousSecretValidUntil });
});
