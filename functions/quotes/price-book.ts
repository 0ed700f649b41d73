import type { Money } from './money.ts';

/**
 * Price books (issue 11, SFA-7): one per currency (a default per currency), entries per product with a list
 * price valid from a date (and optionally to one). The price of a product on a day is the entry with the
 * latest `validFrom` on or before it that has not ended — pure, so the quote service, the picker and the
 * tests agree. Dates are tenant-local calendar days (YYYY-MM-DD), compared as strings.
 */
export interface PriceBookEntry {
  readonly productId: string;
  readonly unitPrice: Money;
  readonly validFrom: string;
  readonly validTo?: string;
}

export function priceOn(entries: readonly PriceBookEntry[], productId: string, currency: string, day: string): PriceBookEntry | undefined {
  let best: PriceBookEntry | undefined;
  for (const e of entries) {
    if (e.productId !== productId || e.unitPrice.currency !== currency) continue;
    if (e.validFrom > day || (e.validTo !== undefined && e.validTo < day)) continue;
    if (!best || e.validFrom > best.validFrom) best = e;
  }
  return best;
}

/** Tax categories per tenant: a category's rate in percent (the demo: standard 13 %, service 6 %). */
export interface TaxCategory { readonly id: string; readonly ratePercent: number; readonly label: { readonly en: string; readonly 'zh-CN': string } }

export const DEFAULT_TAX_CATEGORIES: readonly TaxCategory[] = [
  { id: 'standard', ratePercent: 13, label: { en: 'Standard VAT 13 %', 'zh-CN': '标准增值税 13%' } },
  { id: 'service', ratePercent: 6, label: { en: 'Services VAT 6 %', 'zh-CN': '服务增值税 6%' } },
  { id: 'zero', ratePercent: 0, label: { en: 'Zero-rated', 'zh-CN': '零税率' } },
];

export const taxRateOf = (categories: readonly TaxCategory[], id: string) => categories.find((c) => c.id === id)?.ratePercent;
