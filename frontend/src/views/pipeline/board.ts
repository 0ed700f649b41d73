import { ApiError } from '@/adapter/http';
import type { Deal, Money, Stage } from '@/adapter/pipelines';

/**
 * The board's arithmetic, kept apart from the page: a column's count, sum and weighted sum in the tenant's
 * currency (other currencies converted at the rates the server gave; those it gave none for are left out and
 * named), weighted = Σ amount × probability / 100 rounded half-even once per deal, as the forecast does.
 */
export interface ColumnFigures {
  count: number;
  sum: number;
  weighted: number;
  /** Currencies of cards that could not be converted (no rate): not in the sums. */
  unconverted: string[];
  /** Rates that were used: currency → rate into the tenant's currency. */
  used: Record<string, number>;
}

/** Half-even ("banker's") rounding of a non-negative or negative number to an integer. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (Math.abs(diff - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(x);
}

/** An amount in the tenant currency (minor units), or null without a rate. Both currencies' minor units are taken as 2 digits unless told. */
export function convert(m: Money, currency: string, rates: Record<string, number>, digits: (c: string) => number): number | null {
  if (m.currency === currency) return m.amount;
  const rate = rates[m.currency];
  if (!rate) return null;
  return Math.round((m.amount / 10 ** digits(m.currency)) * rate * 10 ** digits(currency));
}

export function columnFigures(deals: readonly Deal[], stage: Pick<Stage, 'probability'>, currency: string, rates: Record<string, number>, digits: (c: string) => number): ColumnFigures {
  let sum = 0;
  let weighted = 0;
  const unconverted = new Set<string>();
  const used: Record<string, number> = {};
  for (const d of deals) {
    if (!d.amount) continue;
    const v = convert(d.amount, currency, rates, digits);
    if (v === null) {
      unconverted.add(d.amount.currency);
      continue;
    }
    if (d.amount.currency !== currency) used[d.amount.currency] = rates[d.amount.currency]!;
    sum += v;
    weighted += roundHalfEven((v * stage.probability) / 100);
  }
  return { count: deals.length, sum, weighted, unconverted: [...unconverted].sort(), used };
}

/**
 * The fields a refused move asks for: a 400 whose errors name fields of the opportunity (the stage's required
 * fields, or `lostReason` on Closed Lost). Empty when the refusal is about something else.
 */
export function missingFields(e: unknown, known: ReadonlySet<string>): string[] {
  if (!(e instanceof ApiError) || e.status !== 400 || !Array.isArray(e.problem.errors)) return [];
  const out: string[] = [];
  for (const p of e.problem.errors) {
    const f = p.path.split('.')[0] ?? '';
    if (known.has(f) && !out.includes(f)) out.push(f);
  }
  return out;
}
