import { httpHandler, json } from '#commons/http.ts';
import { forbidden, notFound } from '#commons/problem.ts';
import { rotateSecret } from './store.ts';

/** POST /api/partners/{id}/rotate-secret (admins): a new secret; the old one keeps working for 24 h. */
export const rotatePartnerSecret = httpHandler(async ({ principal, params }) => {
  if (principal.role !== 'admin') throw forbidden('Only admins manage partners.');
  const partner = await rotateSecret(principal.tenantId, params.id!, new Date());
  if (!partner) throw notFound('No such partner.');
  return json(200, { id: partner.id, secret: partner.secret, previousSecretValidUntil: partner.previousSecretValidUntil });
});
