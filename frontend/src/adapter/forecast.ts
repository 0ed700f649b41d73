import { api } from './http';
import type { Deal } from './pipelines';

/**
 * The forecast (issue 8, SFA-9/AN-7): `GET /api/forecast?period=2026-Q4&groupBy=owner|team&pipeline=` and the
 * deals behind a figure, `GET /api/forecast/deals?period=&owner=&category=`. Every figure is integer minor
 * units of the tenant currency (`currency`).
 */
export const FIGURES = ['commit', 'bestCase', 'pipeline', 'closedWon', 'weighted'] as const;
export type Figure = (typeof FIGURES)[number];

export type Figures = Record<Figure, number> & {
  quota?: number | null;
  /** closedWon / quota, if the server sends it (else the page works it out). */
  attainment?: number | null;
};
export interface ForecastGroup extends Figures {
  /** An owner's user id, or a team's key (its manager's id). */
  key: string;
  name?: string;
}
export interface Forecast {
  period: string;
  currency: string;
  groups: ForecastGroup[];
  total: Figures;
  /** Rates used to convert other currencies into `currency`: `{"USD": 7.12}` = 1 USD is 7.12 of it. */
  rates?: Record<string, number>;
  /** The same figures a week ago, when the server keeps them ("trend against last week"). */
  lastWeek?: { groups?: ForecastGroup[]; total?: Figures };
}
export type GroupBy = 'owner' | 'team';

export interface ForecastQuery {
  period: string;
  groupBy: GroupBy;
  pipeline?: string;
}

export const forecastApi = {
  // The server lists the rates used as `[{currency, rate, asOf}]`; the pages read them by currency.
  get: (q: ForecastQuery) => api.get<Omit<Forecast, 'rates'> & { rates?: { currency: string; rate: number; asOf: string }[] }>('/api/forecast', { period: q.period, groupBy: q.groupBy, pipeline: q.pipeline })
    .then((r): Forecast => ({ ...r.data, rates: Object.fromEntries((r.data.rates ?? []).map((x) => [x.currency, x.rate])) })),
  /** The deals behind one figure: `owner` a group's key (none = everyone's), `category` the figure. */
  deals: (q: { period: string; owner?: string; team?: string; category: Figure; pipeline?: string }) =>
    api.get<{ items: Deal[] }>('/api/forecast/deals', { period: q.period, owner: q.owner, team: q.team, category: q.category, pipeline: q.pipeline }).then((r) => r.data.items),
};

/** `2026-Q4` for a date; the quarter's periods around it for the picker. */
export function quarterOf(d: Date): string {
  return `${d.getFullYear()}-Q${Math.floor(d.getMonth() / 3) + 1}`;
}
export function quartersAround(period: string, before = 4, after = 3): string[] {
  const m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!m) return [period];
  const base = Number(m[1]) * 4 + Number(m[2]) - 1;
  const out: string[] = [];
  for (let i = base - before; i <= base + after; i++) out.push(`${Math.floor(i / 4)}-Q${(i % 4) + 1}`);
  return out;
}
