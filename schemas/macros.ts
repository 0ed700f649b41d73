import type { Macro } from './service-desk.ts';

/**
 * Macros (SVC-1): canned replies in both languages with merge fields, pure. `{{ticket.number}}`,
 * `{{contact.firstName|there}}` (a fallback after `|`), `{{agent.name}}`; a field that is missing or empty
 * gives its fallback, or nothing. Only own properties of plain values are read, so `{{contact.__proto__}}`
 * reads nothing.
 */
export type MergeContext = Record<string, Record<string, unknown> | undefined>;

const FIELD = /\{\{\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+)\s*(?:\|([^}]*))?\}\}/g;

function lookup(ctx: MergeContext, path: string): string | undefined {
  let value: unknown = ctx;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The text with each merge field replaced. */
export function mergeFields(text: string, ctx: MergeContext): string {
  return text.replace(FIELD, (_m, path: string, fallback: string | undefined) => lookup(ctx, path) ?? (fallback ?? '').trim());
}

/** A macro's reply in the customer's language (English when it has none). */
export const renderMacro = (macro: Macro, language: string, ctx: MergeContext) =>
  mergeFields(language === 'zh-CN' ? macro.body['zh-CN'] : macro.body.en, ctx);
