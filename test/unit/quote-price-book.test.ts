import { describe, expect, it } from 'vitest';
import { DEFAULT_TAX_CATEGORIES, priceOn, taxRateOf } from '../../functions/quotes/price-book.ts';

const cny = (amount: number) => ({ amount, currency: 'CNY' });

describe('price book: the price on a day', () => {
  const entries = [
    { productId: 'p1', unitPrice: cny(10000), validFrom: '2026-01-01' },
    { productId: 'p1', unitPrice: cny(12000), validFrom: '2026-07-01' },
    { productId: 'p1', unitPrice: cny(9000), validFrom: '2026-11-20', validTo: '2026-11-30' },
    { productId: 'p1', unitPrice: { amount: 1500, currency: 'USD' }, validFrom: '2026-01-01' },
  ];
  it('takes the latest entry valid on the day, in the quote\'s currency', () => {
    expect(priceOn(entries, 'p1', 'CNY', '2026-06-30')?.unitPrice).toEqual(cny(10000));
    expect(priceOn(entries, 'p1', 'CNY', '2026-07-01')?.unitPrice).toEqual(cny(12000));
    expect(priceOn(entries, 'p1', 'CNY', '2026-11-25')?.unitPrice).toEqual(cny(9000));
    expect(priceOn(entries, 'p1', 'CNY', '2026-12-01')?.unitPrice).toEqual(cny(12000));
    expect(priceOn(entries, 'p1', 'USD', '2026-12-01')?.unitPrice.amount).toBe(1500);
  });
  it('has no price before the first entry, for another product, or in a currency without a book', () => {
    expect(priceOn(entries, 'p1', 'CNY', '2025-12-31')).toBeUndefined();
    expect(priceOn(entries, 'p2', 'CNY', '2026-12-01')).toBeUndefined();
    expect(priceOn(entries, 'p1', 'JPY', '2026-12-01')).toBeUndefined();
  });
  it('the demo tax categories: standard 13 %, service 6 %', () => {
    expect([taxRateOf(DEFAULT_TAX_CATEGORIES, 'standard'), taxRateOf(DEFAULT_TAX_CATEGORIES, 'service'), taxRateOf(DEFAULT_TAX_CATEGORIES, 'x')]).toEqual([13, 6, undefined]);
  });
});
