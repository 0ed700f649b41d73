import { scopes } from '#commons/keys.ts';
import { httpHandler, json, parseJsonBody } from '#commons/http.ts';
import { HttpProblem, badRequest, notFound } from '#commons/problem.ts';
import { acceptLead } from '../leads/intake.ts';
import { takeRateSlot } from '../rate-limit/rate-limit.ts';
import { recordDeps } from '../records/deps.ts';
import { findForm } from './store.ts';

/**
 * Anyone may post a public form from the site it is embedded in: the answer names that site's origin (never
 * `*`, and never with credentials), so the embedding page can read the thank-you text.
 */
const corsFor = (origin: string | undefined): Record<string, string> =>
  origin && /^https?:\/\/[^\s/]+$/i.test(origin) ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
const FORM_RATE_PER_MINUTE = 60;
const VISITOR_RATE_PER_MINUTE = 5;

/**
 * POST /api/forms/{formId}/submissions (SFA-1 web-to-lead): url-encoded or JSON. A filled honeypot gets
 * the same 202 as a person but creates nothing; a form and each visitor address are rate-limited.
 */
export const submitForm = httpHandler(async ({ params, headers, rawBody, event }) => {
  const cors = corsFor(headers.origin);
  const form = await findForm(params.formId ?? '');
  if (!form) throw notFound('No such form.');
  const type = headers['content-type'] ?? '';
  const fields = ((type.includes('json') ? parseJsonBody(rawBody, headers) : Object.fromEntries(new URLSearchParams(rawBody))) ?? {}) as Record<string, unknown>;
  if (typeof fields.website === 'string' && fields.website.trim() !== '') return json(202, { status: 'accepted' }, cors);

  const missing = form.fields.filter((f) => f.required && !(typeof fields[f.name] === 'string' && (fields[f.name] as string).trim()));
  if (missing.length) throw badRequest(missing.map((f) => ({ path: f.name, message: 'Required', code: 'required' })));
  const lead: Record<string, unknown> = { language: form.language };
  for (const f of form.fields) {
    const v = fields[f.name];
    if (typeof v === 'string' && v.trim()) lead[f.name] = f.name === 'country' ? v.trim().toUpperCase() : v.trim();
  }
  const deps = recordDeps();
  const now = deps.clock();
  for (const [scope, limit] of [[scopes.form(form.id), FORM_RATE_PER_MINUTE], [scopes.formVisitor(form.id, event.requestContext?.http?.sourceIp ?? 'unknown'), VISITOR_RATE_PER_MINUTE]] as const) {
    const slot = await takeRateSlot(form.tenantId, scope, limit, now);
    if (!slot.ok) throw new HttpProblem(429, 'Too Many Requests', 'Too many submissions; try again shortly.', {}, { 'retry-after': String(slot.retryAfter), ...cors });
  }
  const answer = await acceptLead(
    { tenantId: form.tenantId, scope: scopes.form(form.id), actorName: form.name, source: form.source ?? form.name, systemFields: { formId: form.id } },
    lead, JSON.stringify(lead), undefined, deps,
  );
  return json(202, { status: answer.status === 'duplicate' ? 'accepted' : answer.status, message: form.thankYouText }, cors);
}, { auth: false, rawBody: true, maxBodyBytes: 16 * 1024 });
