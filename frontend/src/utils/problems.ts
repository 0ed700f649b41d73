import { ApiError, type FieldProblem } from '@/adapter/http';
import { i18n } from '@/modules/i18n';

const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {});
const te = (key: string) => i18n.global.te(key);

/** A field message in the user's language, chosen by the server's error `code` (message as fallback). */
export function translateFieldProblem(p: FieldProblem): string {
  const code = p.code ?? '';
  const n = /(\d+)/.exec(p.message)?.[1];
  const field = p.path.split('.')[0] ?? '';
  if (code === 'too_big' && n) return t(/items/i.test(p.message) ? 'errors.codes.too_big_items' : 'errors.codes.too_big_n', { n });
  if (code === 'too_small' && n && Number(n) > 1) return t('errors.codes.too_small_n', { n });
  if (code === 'too_small' || code === 'required' || (code === 'invalid_type' && /required/i.test(p.message))) return t('errors.codes.required');
  if (code === 'invalid_format') {
    if (/email/i.test(p.message) || field === 'email') return t('errors.codes.invalid_email');
    if (/url|web/i.test(p.message) || field === 'website') return t('errors.codes.invalid_url');
    if (/domain/i.test(p.message) || field === 'domain') return t('errors.codes.invalid_domain');
    if (/ISO 3166|country/i.test(p.message) || field === 'country') return t('errors.codes.invalid_country');
    if (/ISO 4217|currency/i.test(p.message) || field === 'annualRevenue') return t('errors.codes.invalid_currency');
  }
  if (code === 'custom' && /first or last name/i.test(p.message)) return t('form.firstOrLast');
  if (code === 'custom' && /email or phone/i.test(p.message)) return t('leads.form.emailOrPhone');
  if (code && te(`errors.codes.${code}`) && code !== 'invalid_type' && code !== 'custom') return t(`errors.codes.${code}`);
  // No translation for this code: the server's English message is better than a vague one.
  return i18n.global.locale.value === 'en' || !code ? p.message : (te(`errors.codes.${code}`) ? t(`errors.codes.${code}`) : p.message);
}

/** Field errors keyed by the top-level field (`annualRevenue.amount` → `annualRevenue`). */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError) || !Array.isArray(e.problem.errors)) return out;
  for (const p of e.problem.errors) {
    const key = p.path.split('.')[0] || '_';
    out[key] = out[key] ? `${out[key]}; ${translateFieldProblem(p)}` : translateFieldProblem(p);
  }
  return out;
}

/** One sentence for a failed request. */
export function problemMessage(e: unknown): string {
  if (e instanceof ApiError) {
    // 403 details are English sentences: other languages get the message for the status (and error code) alone.
    if (e.status === 403) {
      const code = e.problem.errors?.find((f) => f.code && te(`errors.forbiddenByCode.${f.code}`))?.code;
      const said = code ? t(`errors.forbiddenByCode.${code}`) : t('errors.forbidden');
      return i18n.global.locale.value === 'en' && e.problem.detail ? `${said} ${e.problem.detail}` : said;
    }
    if (e.status === 404) return t('errors.notFound');
    if (e.status === 400) return t('errors.validation');
    return e.problem.detail ?? e.problem.title ?? t('errors.generic');
  }
  if (e instanceof TypeError) return t('errors.network');
  return t('errors.generic');
}
