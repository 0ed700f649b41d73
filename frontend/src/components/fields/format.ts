import type { FieldMeta } from '@/adapter/objects';
import { currentLocale } from '@/modules/i18n';
import { countryName, formatDate, formatDateTime, formatMoney, formatNumber } from '@/utils/format';
import { sourceLabel } from '@/components/labels';

/**
 * A field value as text in the UI language (cards, tables, the filter chips): money in minor units shown
 * in the user's locale, dates in the user's time zone, picklist options by their label. Booleans, users and
 * relations need the caller's words or stores: `yesNo` and `lookup` supply them.
 */
export function valueText(
  f: Pick<FieldMeta, 'type' | 'options' | 'target'> & Partial<Pick<FieldMeta, 'apiName' | 'custom' | 'format'>>,
  v: unknown,
  ctx: { yesNo?: (b: boolean) => string; lookup?: (kind: 'user' | 'relation', id: string, target?: string) => string } = {},
): string {
  if (v === undefined || v === null || v === '') return '';
  // Standard text fields that hold codes (metadata `format`): show their names.
  if (f.format === 'country' && typeof v === 'string') return countryName(v);
  if (f.format === 'leadSource' && typeof v === 'string') return sourceLabel(v);
  switch (f.type) {
    case 'money':
      return typeof v === 'object' && v && 'amount' in v ? formatMoney(v as { amount: number; currency: string }) : String(v);
    case 'number':
      return typeof v === 'number' ? formatNumber(v) : String(v);
    case 'percent':
      return typeof v === 'number' ? new Intl.NumberFormat(currentLocale.value, { style: 'percent', maximumFractionDigits: 4 }).format(v / 100) : String(v);
    case 'date':
      // A date has no time zone: show the calendar day as stored.
      return typeof v === 'string' ? formatDate(`${v}T12:00:00Z`) : String(v);
    case 'datetime':
      return typeof v === 'string' ? formatDateTime(v) : String(v);
    case 'boolean':
      return ctx.yesNo ? ctx.yesNo(Boolean(v)) : String(v);
    case 'picklist':
    case 'multiPicklist': {
      const values = Array.isArray(v) ? v : [v];
      return values.map((x) => optionLabel(f, String(x))).join(', ');
    }
    case 'user':
      return ctx.lookup ? ctx.lookup('user', String(v)) : String(v);
    case 'relation': {
      const ids = Array.isArray(v) ? v : [v];
      return ids.map((id) => (ctx.lookup ? ctx.lookup('relation', String(id), f.target) : String(id))).join(', ');
    }
    default:
      return String(v);
  }
}

/** An option's label in the UI language (an unknown value shows as itself). */
export function optionLabel(f: Pick<FieldMeta, 'options'>, value: string): string {
  const o = f.options?.find((x) => x.value === value);
  return o ? (o.label[currentLocale.value] ?? o.label.en) : value;
}

/** Options in their stated order. */
export function orderedOptions(f: Pick<FieldMeta, 'options'>) {
  return [...(f.options ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

/** The route of a record of any object: the standard objects keep their own pages, the rest are generic. */
export function recordRoute(object: string, id: string) {
  const named: Record<string, string> = { accounts: 'account', contacts: 'contact', leads: 'lead', opportunities: 'opportunity' };
  return named[object] ? { name: named[object], params: { id } } : { name: 'object-record', params: { object, id } };
}
