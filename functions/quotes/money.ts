import * as currencies from 'dinero.js';
import { add, allocate, dinero, halfEven, multiply, subtract, toSnapshot, transformScale, type Dinero, type DineroCurrency } from 'dinero.js';

/**
 * Quote money (issue 11, SFA-7): integer minor units with an ISO 4217 currency, computed with dinero.js on
 * exact scaled integers. THE ROUNDING RULE (stated in docs/data-model.md and on the quote PDF's footnote):
 * every line figure — its net (quantity × unit price less its discount), its share of the quote discount and
 * its tax — is computed exactly and rounded ONCE, half to even, to the currency's minor unit (CNY 2 decimals,
 * JPY 0, BHD 3); the quote's figures are the sums of its lines' figures. The quote-level discount is rounded
 * once on the subtotal and split over the lines in proportion to their nets (largest remainder first, exact),
 * so the lines always add up to the quote: Σ line totals + shipping = total, to the minor unit.
 */
export interface Money {
  /** Integer minor units (fen, yen, fils). */
  readonly amount: number;
  readonly currency: string;
}

export class MoneyError extends Error {
  constructor(readonly path: string, message: string, readonly code = 'invalid_money') {
    super(message);
    this.name = 'MoneyError';
  }
}

const ISO: Readonly<Record<string, DineroCurrency<number>>> = Object.fromEntries(
  Object.entries(currencies).filter(([k, v]) => /^[A-Z]{3}$/.test(k) && typeof v === 'object' && v !== null && 'exponent' in v) as [string, DineroCurrency<number>][],
);

/** The currency's definition (ISO 4217 code and exponent); throws MoneyError for a code dinero.js does not know. */
export function currencyOf(code: string, path = 'currency'): DineroCurrency<number> {
  const c = ISO[code];
  if (!c) throw new MoneyError(path, `${code} is not an ISO 4217 currency`, 'unknown_currency');
  return c;
}

export const exponentOf = (code: string) => Number(currencyOf(code).exponent);
export const isCurrency = (code: string) => Boolean(ISO[code]);

const toDinero = (m: Money, path = 'amount'): Dinero<number> => {
  if (!Number.isSafeInteger(m.amount)) throw new MoneyError(path, 'An amount is a whole number of minor units', 'not_integer');
  return dinero({ amount: m.amount, currency: currencyOf(m.currency, path), scale: exponentOf(m.currency) });
};

/** Rounds a scaled value half to even to the currency's minor unit: the one rounding step of every figure. */
const settle = (d: Dinero<number>, currency: string): Money => {
  const s = toSnapshot(transformScale(d, exponentOf(currency), halfEven));
  return { amount: s.amount, currency };
};

/**
 * A decimal (quantity 2.5, a percent 12.5) as an exact scaled integer: `{amount: 125, scale: 1}`. At most
 * `maxDecimals` decimals (so floats never leak in: 0.1 + 0.2 is refused, not rounded).
 */
export function scaled(value: number, maxDecimals: number, path: string): { amount: number; scale: number } {
  if (!Number.isFinite(value)) throw new MoneyError(path, 'Not a number', 'not_number');
  const text = String(value);
  if (/e/i.test(text)) throw new MoneyError(path, `At most ${maxDecimals} decimals`, 'too_precise');
  const [, decimals = ''] = text.split('.');
  if (decimals.length > maxDecimals) throw new MoneyError(path, `At most ${maxDecimals} decimals`, 'too_precise');
  const scale = decimals.length;
  return { amount: Math.round(value * 10 ** scale), scale };
}

/** `(100 − percent) / 100` as a scaled factor: what remains after a percent discount. */
const remainingAfter = (percent: number, path: string) => {
  const p = scaled(percent, 4, path);
  if (p.amount < 0 || p.amount > 100 * 10 ** p.scale) throw new MoneyError(path, 'A discount is between 0 and 100 %', 'out_of_range');
  return { amount: 100 * 10 ** p.scale - p.amount, scale: p.scale + 2 };
};
const percentOf = (percent: number, path: string) => {
  const p = scaled(percent, 4, path);
  if (p.amount < 0) throw new MoneyError(path, 'A rate is not negative', 'out_of_range');
  return { amount: p.amount, scale: p.scale + 2 };
};

export interface LineInput {
  readonly quantity: number;
  readonly unitPrice: Money;
  /** A line discount: a percent (12.5) or an amount off the line (not both). */
  readonly discountPercent?: number;
  readonly discountAmount?: Money;
  /** The line's tax rate in percent (13 for 13 % VAT), from its tax category. */
  readonly taxRatePercent: number;
}

export interface QuoteInput {
  readonly currency: string;
  readonly lines: readonly LineInput[];
  /** Off the subtotal, split over the lines by their nets. */
  readonly discountPercent?: number;
  readonly shipping?: Money;
  readonly shippingTaxRatePercent?: number;
}

export interface LineTotals {
  /** Quantity × unit price (rounded once when the quantity has decimals). */
  readonly gross: Money;
  /** After the line's own discount. */
  readonly net: Money;
  /** The line's share of the quote-level discount. */
  readonly quoteDiscount: Money;
  readonly taxable: Money;
  readonly tax: Money;
  /** taxable + tax. */
  readonly total: Money;
}

export interface QuoteTotals {
  readonly lines: readonly LineTotals[];
  /** Σ line nets. */
  readonly subtotal: Money;
  /** Σ line discounts (gross − net) plus the quote-level discount: everything taken off the list. */
  readonly lineDiscount: Money;
  readonly discount: Money;
  readonly tax: Money;
  readonly shipping: Money;
  readonly shippingTax: Money;
  /** subtotal − discount + tax + shipping + shippingTax = Σ line totals + shipping + shippingTax. */
  readonly total: Money;
}

const zero = (currency: string): Money => ({ amount: 0, currency });
const sum = (ms: readonly Money[], currency: string): Money => ({ amount: ms.reduce((s, m) => s + m.amount, 0), currency });

/** One line: its net after its own discount, each figure rounded once (half even). */
export function lineNet(line: LineInput, currency: string, path = 'lines.0'): { gross: Money; net: Money } {
  if (line.unitPrice.currency !== currency) throw new MoneyError(`${path}.unitPrice.currency`, `The quote is in ${currency}`, 'currency_mismatch');
  if (line.unitPrice.amount < 0) throw new MoneyError(`${path}.unitPrice.amount`, 'A unit price is not negative', 'out_of_range');
  const q = scaled(line.quantity, 3, `${path}.quantity`);
  if (q.amount <= 0) throw new MoneyError(`${path}.quantity`, 'A quantity is more than 0', 'out_of_range');
  if (line.discountPercent !== undefined && line.discountAmount !== undefined) throw new MoneyError(`${path}.discountAmount`, 'A line has a discount percent or amount, not both', 'conflict');
  const grossExact = multiply(toDinero(line.unitPrice, `${path}.unitPrice.amount`), q);
  const gross = settle(grossExact, currency);
  if (line.discountAmount !== undefined) {
    if (line.discountAmount.currency !== currency) throw new MoneyError(`${path}.discountAmount.currency`, `The quote is in ${currency}`, 'currency_mismatch');
    if (line.discountAmount.amount < 0) throw new MoneyError(`${path}.discountAmount.amount`, 'A discount is not negative', 'out_of_range');
    const net = settle(subtract(grossExact, toDinero(line.discountAmount, `${path}.discountAmount.amount`)), currency);
    if (net.amount < 0) throw new MoneyError(`${path}.discountAmount.amount`, 'The discount is more than the line', 'out_of_range');
    return { gross, net };
  }
  const net = line.discountPercent ? settle(multiply(grossExact, remainingAfter(line.discountPercent, `${path}.discountPercent`)), currency) : gross;
  return { gross, net };
}

/** The quote's figures from its lines (the server's; a client's totals are never read). */
export function computeQuote(input: QuoteInput): QuoteTotals {
  const { currency } = input;
  currencyOf(currency);
  const nets = input.lines.map((l, i) => lineNet(l, currency, `lines.${i}`));
  const subtotal = sum(nets.map((n) => n.net), currency);
  const discount = input.discountPercent && subtotal.amount > 0
    ? { amount: subtotal.amount - settle(multiply(toDinero(subtotal), remainingAfter(input.discountPercent, 'discountPercent')), currency).amount, currency }
    : zero(currency);
  // Split exactly over the lines by their nets (dinero's allocate: largest remainder, nothing lost).
  const shares: Money[] = discount.amount > 0
    ? allocate(toDinero(discount), nets.map((n) => n.net.amount)).map((d) => ({ amount: toSnapshot(d).amount, currency }))
    : nets.map(() => zero(currency));
  const lines = nets.map((n, i): LineTotals => {
    const taxable = { amount: n.net.amount - shares[i]!.amount, currency };
    const tax = settle(multiply(toDinero(taxable), percentOf(input.lines[i]!.taxRatePercent, `lines.${i}.taxRatePercent`)), currency);
    return { gross: n.gross, net: n.net, quoteDiscount: shares[i]!, taxable, tax, total: { amount: taxable.amount + tax.amount, currency } };
  });
  const shipping = input.shipping ?? zero(currency);
  if (shipping.currency !== currency) throw new MoneyError('shipping.currency', `The quote is in ${currency}`, 'currency_mismatch');
  if (shipping.amount < 0) throw new MoneyError('shipping.amount', 'Shipping is not negative', 'out_of_range');
  const shippingTax = input.shippingTaxRatePercent ? settle(multiply(toDinero(shipping, 'shipping.amount'), percentOf(input.shippingTaxRatePercent, 'shippingTaxRatePercent')), currency) : zero(currency);
  const tax = sum(lines.map((l) => l.tax), currency);
  const lineDiscount = sum(nets.map((n) => ({ amount: n.gross.amount - n.net.amount, currency })), currency);
  const total = toSnapshot(add(add(toDinero(sum(lines.map((l) => l.total), currency)), toDinero(shipping)), toDinero(shippingTax))).amount;
  return { lines, subtotal, lineDiscount, discount, tax, shipping, shippingTax, total: { amount: total, currency } };
}

/**
 * A money amount in another currency at a rate frozen on the quote (`1 <from> = rate <to>`, as a decimal with
 * at most 8 decimals), rounded once half to even.
 */
export function convert(m: Money, to: string, rate: number): Money {
  const r = scaled(rate, 8, 'rate');
  if (r.amount <= 0) throw new MoneyError('rate', 'A rate is more than 0', 'out_of_range');
  const from = toDinero(m);
  // amount × rate, then from the source's exponent to the target's.
  const exact = multiply(from, r);
  const s = toSnapshot(exact);
  const target = dinero({ amount: s.amount, currency: currencyOf(to), scale: s.scale });
  return settle(target, to);
}

/** The decimal text of an amount (`12345 CNY` → `123.45`), for the PDF and emails (no floats). */
export function decimalText(m: Money): string {
  const e = exponentOf(m.currency);
  const sign = m.amount < 0 ? '-' : '';
  const digits = String(Math.abs(m.amount)).padStart(e + 1, '0');
  return e ? `${sign}${digits.slice(0, -e)}.${digits.slice(-e)}` : `${sign}${digits}`;
}
