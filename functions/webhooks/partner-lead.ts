import { randomBytes } from 'node:crypto';
import { scopes } from '#commons/keys.ts';
import { httpHandler, json, parseJsonBody } from '#commons/http.ts';
import { HttpProblem, unauthorized } from '#commons/problem.ts';
import { partnerLead } from '#schemas/lead.ts';
import { acceptLead, previousAnswer } from '../leads/intake.ts';
import { lookupPartner, validSecrets } from '../partners/store.ts';
import { takeRateSlot } from '../rate-limit/rate-limit.ts';
import { verifySignature } from '../partners/signature.ts';
import { recordDeps } from '../records/deps.ts';
import { parse } from '../records/service.ts';

/** Stand-ins checked when there is no (second) secret: random per container, so no signature matches them. */
const NO_SECRETS = [`whsec_${randomBytes(24).toString('base64url')}`, `whsec_${randomBytes(24).toString('base64url')}`] as const;

/**
 * The secrets a signature is checked against: always two (the current and the previous one during a rotation,
 * padded with stand-ins), so a known partner, a partner mid-rotation and an unknown id cost the same HMACs.
 */
export function secretsToCheck(secrets: readonly string[]): string[] {
  return [...secrets, ...NO_SECRETS].slice(0, 2);
}

/**
 * POST /api/webhooks/leads/{partnerId} (SFA-1). No user token: the partner signs the raw body.
 * Order matters so that a refused request writes nothing: size → signature → body → idempotency → rate → lead.
 */
export const handler = httpHandler(async ({ params, headers, rawBody }) => {
  const deps = recordDeps();
  const now = deps.clock();
  // An unknown partner looks exactly like a bad signature, so ids cannot be probed: the same two reads,
  // the same HMAC over the body (with a secret nobody has), the same answer, stale timestamps included.
  const partner = await lookupPartner(params.partnerId ?? '');
  const secrets = secretsToCheck(partner ? validSecrets(partner, now) : []);
  const verdict = verifySignature(headers['crm-signature'], rawBody, secrets, Math.floor(now.getTime() / 1000));
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
  const source = { tenantId: partner.tenantId, scope: scopes.partner(partner.id), actorName: partner.name, source: partner.name, systemFields: { partnerId: partner.id } };
  // A retry of a request we already answered gets that answer again without counting against the rate.
  const previous = key ? await previousAnswer(source, key, rawBody) : undefined;
  if (previous) return json(202, previous);
  const slot = await takeRateSlot(partner.tenantId, scopes.partner(partner.id), partner.rateLimitPerMinute, now);
  if (!slot.ok) {
    throw new HttpProblem(429, 'Too Many Requests', `This partner may post ${partner.rateLimitPerMinute} leads a minute.`, {}, { 'retry-after': String(slot.retryAfter) });
  }
  const answer = await acceptLead(source, body, rawBody, key, deps);
  return json(202, answer);
}, { auth: false, rawBody: true, maxBodyBytes: 64 * 1024 });
