import { httpHandler, json, parseJsonBody } from '#commons/http.ts';
import { HttpProblem, unauthorized } from '#commons/problem.ts';
import { partnerLead } from '#schemas/lead.ts';
import { acceptLead, previousAnswer } from '../leads/intake.ts';
import { getPartner, partnerTenant, takeRateSlot, validSecrets } from '../partners/store.ts';
import { verifySignature } from '../partners/signature.ts';
import { recordDeps } from '../records/deps.ts';
import { parse } from '../records/service.ts';

/**
 * POST /api/webhooks/leads/{partnerId} (SFA-1). No user token: the partner signs the raw body.
 * Order matters so that a refused request writes nothing: size → signature → body → idempotency → rate → lead.
 */
export const handler = httpHandler(async ({ params, headers, rawBody }) => {
  const deps = recordDeps();
  const now = deps.clock();
  const partnerId = params.partnerId ?? '';
  const tenantId = /^[A-Za-z0-9_-]{1,64}$/.test(partnerId) ? await partnerTenant(partnerId) : undefined;
  const partner = tenantId ? await getPartner(tenantId, partnerId) : undefined;
  // An unknown partner looks exactly like a bad signature, so ids cannot be probed.
  const verdict = partner ? verifySignature(headers['crm-signature'], rawBody, validSecrets(partner, now), Math.floor(now.getTime() / 1000)) : 'mismatch';
  if (!partner || verdict !== 'ok') {
    throw unauthorized(verdict === 'stale' ? 'The signature timestamp is outside the 300 s window.' : 'Missing or invalid Crm-Signature.');
  }
  const body = parseJsonBody(rawBody, headers);
  parse(partnerLead, body);
  const key = headers['idempotency-key'];
  if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw new HttpProblem(400, 'Bad Request', 'Idempotency-Key must be 1–255 visible ASCII characters.', {
      errors: [{ path: 'Idempotency-Key', message: 'Invalid key', code: 'invalid_format' }],
    });
  }
  const source = { tenantId: partner.tenantId, scope: `partner:${partner.id}`, actorName: partner.name, source: partner.name, systemFields: { partnerId: partner.id } };
  // A retry of a request we already answered gets that answer again without counting against the rate.
  const previous = key ? await previousAnswer(source, key, rawBody) : undefined;
  if (previous) return json(202, previous);
  const slot = await takeRateSlot(partner.tenantId, `partner:${partner.id}`, partner.rateLimitPerMinute, now);
  if (!slot.ok) {
    throw new HttpProblem(429, 'Too Many Requests', `This partner may post ${partner.rateLimitPerMinute} leads a minute.`, {}, { 'retry-after': String(slot.retryAfter) });
  }
  const answer = await acceptLead(source, body, rawBody, key, deps);
  return json(202, answer);
}, { auth: false, rawBody: true, maxBodyBytes: 64 * 1024 });
