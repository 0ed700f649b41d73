import { describe, expect, it } from 'vitest';
import { computeQuote, convert, decimalText, exponentOf, lineNet, MoneyError, type LineInput } from '../../functions/quotes/money.ts';
import { mulberry32 } from '../support/prng.ts';

const m = (amount: number, currency = 'CNY') => ({ amount, currency });
const line = (unit: number, quantity: number, extra: Partial<LineInput> = {}, currency = 'CNY'): LineInput => ({ unitPrice: m(unit, currency), quantity, taxRatePercent: 13, ...extra });

/** The exact value num/den rounded half to even (BigInt), the reference the money module must match. */
function halfEvenRef(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r = num % den;
  if (r * 2n < den) return q;
  if (r * 2n > den) return q + 1n;
  return q % 2n === 0n ? q : q + 1n;
}

describe('quote money: the currency exponent and half-even, once per line figure', () => {
  it('knows each currency\'s exponent (CNY 2, JPY 0, BHD 3) and refuses an unknown code', () => {
    expect([exponentOf('CNY'), exponentOf('JPY'), exponentOf('BHD'), exponentOf('USD')]).toEqual([2, 0, 3, 2]);
    expect(() => computeQuote({ currency: 'XYZ', lines: [] })).toThrow(MoneyError);
  });

  it('rounds a half to the even minor unit: 0.5 → 0, 1.5 → 2, 2.5 → 2 (quantity × 1 fen)', () => {
    expect(lineNet(line(1, 0.5), 'CNY').net.amount).toBe(0);
    expect(lineNet(line(1, 1.5), 'CNY').net.amount).toBe(2);
    expect(lineNet(line(1, 2.5), 'CNY').net.amount).toBe(2);
    expect(lineNet(line(3, 0.5, {}, 'JPY'), 'JPY').net).toEqual(m(2, 'JPY'));
  });

  it('taxes each line half-even: 13 % of 0.50 is 0.06, of 1.50 is 0.20', () => {
    expect(computeQuote({ currency: 'CNY', lines: [line(50, 1)] }).tax.amount).toBe(6);
    expect(computeQuote({ currency: 'CNY', lines: [line(150, 1)] }).tax.amount).toBe(20);
  });

  it('computes the issue\'s example: 3 × 999.99 at 12.5 % off, 5 % off the quote, 13 % VAT', () => {
    const q = computeQuote({ currency: 'CNY', lines: [line(99999, 3, { discountPercent: 12.5 })], discountPercent: 5 });
    // 299,997 × 0.875 = 262,497.375 → 262,497; 5 % = 13,124.85 → discount 13,125; taxable 249,372; 13 % = 32,418.36 → 32,418.
    expect(q.subtotal).toEqual(m(262497));
    expect(q.discount).toEqual(m(13125));
    expect(q.tax).toEqual(m(32418));
    expect(q.total).toEqual(m(262497 - 13125 + 32418));
    expect(decimalText(q.total)).toBe('2817.90');
  });

  it('refuses floats it cannot hold exactly and names the field', () => {
    expect(() => lineNet(line(100, 0.1 + 0.2), 'CNY', 'lines.3')).toThrow(expect.objectContaining({ path: 'lines.3.quantity', code: 'too_precise' }));
    expect(() => computeQuote({ currency: 'CNY', lines: [line(100, 1, { discountPercent: 120 })] })).toThrow(expect.objectContaining({ path: 'lines.0.discountPercent' }));
    expect(() => computeQuote({ currency: 'CNY', lines: [line(100, 1, {}, 'USD')] })).toThrow(expect.objectContaining({ path: 'lines.0.unitPrice.currency' }));
    expect(() => computeQuote({ currency: 'CNY', lines: [line(100, 1, { discountAmount: m(101) })] })).toThrow(expect.objectContaining({ path: 'lines.0.discountAmount.amount' }));
  });

  it('converts at a frozen rate, rounding once half-even into the target\'s exponent', () => {
    expect(convert(m(100), 'JPY', 20.5)).toEqual(m(20, 'JPY'));
    expect(convert(m(300), 'JPY', 20.5)).toEqual(m(62, 'JPY'));
    expect(convert(m(1000, 'JPY'), 'BHD', 0.00252)).toEqual(m(2520, 'BHD'));
  });
});

describe('quote money: properties over random quotes (seeded; a failure names its seed)', () => {
  const currencies = ['CNY', 'JPY', 'BHD', 'USD'] as const;
  it('400 random quotes: lines add up to the quote, every figure is an integer, each line figure is its exact value rounded once half-even', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const rnd = mulberry32(seed);
      const int = (n: number) => Math.floor(rnd() * n);
      const currency = currencies[int(currencies.length)]!;
      const lines: LineInput[] = Array.from({ length: 1 + int(8) }, () => {
        const quantity = rnd() < 0.3 ? (1 + int(5000)) / 1000 : 1 + int(50);
        const unit = int(5_000_000);
        const kind = int(3);
        return {
          quantity, unitPrice: m(unit, currency), taxRatePercent: [0, 6, 9, 13][int(4)]!,
          ...(kind === 1 ? { discountPercent: int(10001) / 100 } : {}),
          ...(kind === 2 ? { discountAmount: m(int(unit * Math.floor(quantity) + 1), currency) } : {}),
        };
      });
      const input = { currency, lines, ...(rnd() < 0.5 ? { discountPercent: int(3001) / 100 } : {}), ...(rnd() < 0.3 ? { shipping: m(int(100000), currency), shippingTaxRatePercent: 9 } : {}) };
      const q = computeQuote(input);
      const all = [q.subtotal, q.discount, q.tax, q.shipping, q.shippingTax, q.total, ...q.lines.flatMap((l) => [l.gross, l.net, l.quoteDiscount, l.taxable, l.tax, l.total])];
      for (const x of all) {
        expect(Number.isSafeInteger(x.amount), `seed ${seed}`).toBe(true);
        expect(x.amount, `seed ${seed}`).toBeGreaterThanOrEqual(0);
        expect(x.currency).toBe(currency);
      }
      const total = (xs: { amount: number }[]) => xs.reduce((s, x) => s + x.amount, 0);
      expect(total(q.lines.map((l) => l.net)), `seed ${seed}: Σ nets = subtotal`).toBe(q.subtotal.amount);
      expect(total(q.lines.map((l) => l.quoteDiscount)), `seed ${seed}: Σ shares = discount`).toBe(q.discount.amount);
      expect(total(q.lines.map((l) => l.tax)), `seed ${seed}: Σ line tax = tax`).toBe(q.tax.amount);
      expect(total(q.lines.map((l) => l.total)) + q.shipping.amount + q.shippingTax.amount, `seed ${seed}: lines + shipping = total`).toBe(q.total.amount);
      expect(q.subtotal.amount - q.discount.amount + q.tax.amount + q.shipping.amount + q.shippingTax.amount, `seed ${seed}`).toBe(q.total.amount);
      // Each line's net and tax: the exact rational value rounded once, half even.
      lines.forEach((l, i) => {
        const qs = String(l.quantity).split('.')[1]?.length ?? 0;
        const qn = BigInt(Math.round(l.quantity * 10 ** qs));
        const grossNum = BigInt(l.unitPrice.amount) * qn;
        const grossDen = 10n ** BigInt(qs);
        let net: bigint;
        if (l.discountAmount) net = halfEvenRef(grossNum - BigInt(l.discountAmount.amount) * grossDen, grossDen);
        else if (l.discountPercent) {
          const ps = String(l.discountPercent).split('.')[1]?.length ?? 0;
          const p = BigInt(Math.round(l.discountPercent * 10 ** ps));
          net = halfEvenRef(grossNum * (100n * 10n ** BigInt(ps) - p), grossDen * 100n * 10n ** BigInt(ps));
        } else net = halfEvenRef(grossNum, grossDen);
        expect(BigInt(q.lines[i]!.net.amount), `seed ${seed} line ${i} net`).toBe(net);
        expect(BigInt(q.lines[i]!.tax.amount), `seed ${seed} line ${i} tax`).toBe(halfEvenRef(BigInt(q.lines[i]!.taxable.amount) * BigInt(l.taxRatePercent), 100n));
      });
    }
  });
});
