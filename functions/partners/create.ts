import { systemClock } from '#commons/clock.ts';
import { newId } from '#commons/ids.ts';
import { assertCan } from '../policy/policy.ts';
import { httpHandler, json } from '#commons/http.ts';
import { partnerCreate } from '#schemas/lead.ts';
import { parse } from '../records/service.ts';
import { DEFAULT_RATE_PER_MINUTE, newSecret, putNewPartner, type Partner } from './store.ts';

/** POST /api/partners (admins): a lead partner (the default) or a chat partner; the secret is in this answer and never again. */
export const createPartner = httpHandler(async ({ principal, body }) => {
  assertCan(principal, 'partners:manage');
  const input = parse(partnerCreate, body);
  const now = systemClock();
  const partner: Partner & { purpose: NonNullable<Partner['purpose']> } = {
    id: `ptn_${newId(now).toLowerCase()}`, tenantId: principal.tenantId, name: input.name, purpose: input.purpose ?? 'leads', secret: newSecret(),
    rateLimitPerMinute: input.rateLimitPerMinute ?? DEFAULT_RATE_PER_MINUTE, createdAt: now.toISOString(), createdBy: principal.userId,
  };
  await putNewPartner(partner);
  return json(201, { id: partner.id, name: partner.name, purpose: partner.purpose, secret: partner.secret, rateLimitPerMinute: partner.rateLimitPerMinute, createdAt: partner.createdAt });
});
