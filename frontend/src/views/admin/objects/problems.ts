import { ApiError, type FieldProblem } from '@/adapter/http';
import type { Localized } from '@/adapter/metadata';
import { currentLocale, i18n } from '@/modules/i18n';
import { translateFieldProblem } from '@/utils/problems';

const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {});
const te = (key: string) => i18n.global.te(key);

/** A label in the user's language (the other one when it is missing). */
export const inLocale = (l: Localized | undefined): string => (l ? (currentLocale.value === 'zh-CN' ? l['zh-CN'] || l.en : l.en || l['zh-CN']) : '');

/**
 * One server field problem of the metadata API in the user's language. Limits (`limit_exceeded`) keep the
 * server's sentence in English and get the stated limit in Chinese, so the admin learns which limit it is.
 */
export function metadataProblem(p: FieldProblem & { limit?: string }): string {
  const en = currentLocale.value === 'en';
  const last = p.path.split('.').pop() ?? '';
  if (p.code === 'limit_exceeded') {
    const n = /at most (\d+)/i.exec(p.message)?.[1] ?? /limit is (\d+)/i.exec(p.message)?.[1] ?? '';
    const key = `objectsAdmin.limitNames.${p.limit ?? ''}`;
    return t('objectsAdmin.errors.limit', { message: en || !te(key) ? p.message : t(key, { n }) });
  }
  if (p.code && ['duplicate', 'not_allowed', 'not_supported', 'unknown_object', 'invalid_default'].includes(p.code)) {
    return en && p.code !== 'duplicate' ? p.message : t(`objectsAdmin.errors.${p.code}`);
  }
  if (p.code === 'edit_wider_than_read') return t('objectsAdmin.sharing.editWider');
  if (p.code === 'invalid_format') {
    if (last === 'apiName') return t('objectsAdmin.errors.apiName');
    if (last === 'value') return t('objectsAdmin.errors.optionValue');
    if (last === 'color') return t('objectsAdmin.errors.color');
  }
  return translateFieldProblem(p);
}

/** The problem+json `errors[]` keyed by their exact path (`label.en`, `options.1.value`, `rep.edit`). */
export function problemsByPath(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError) || !Array.isArray(e.problem.errors)) return out;
  for (const p of e.problem.errors) {
    const key = p.path || '_';
    const msg = metadataProblem(p);
    out[key] = out[key] ? `${out[key]}; ${msg}` : msg;
  }
  return out;
}

/** The problems no form item shows (`shown` tells which paths have a place): said at the top of the form. */
export function unplaced(errors: Record<string, string>, shown: (path: string) => boolean): string[] {
  return Object.entries(errors).filter(([path]) => !shown(path)).map(([, m]) => m);
}

/** A custom API name from an English label: `Project tier` → `projectTier` (the `c_` is added by the caller). */
export function apiNameFrom(label: string): string {
  const words = label.normalize('NFKD').replace(/[^A-Za-z0-9 ]+/g, ' ').trim().split(/\s+/).filter(Boolean);
  const name = words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
  return /^[a-z]/.test(name) ? name.slice(0, 38) : '';
}
