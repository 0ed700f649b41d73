import { keys } from '#commons/keys.ts';
import { DEFAULT_PIPELINE, quarterOf, type Pipeline, type StageKind } from '#schemas/pipeline.ts';
import type { AggregateDelta } from '../records/store.ts';

/**
 * The forecast's aggregates (SFA-9, AN-7), pure. An opportunity contributes to one aggregate item — its
 * close date's quarter × pipeline × owner × currency — and the record service adds `after − before` to it in
 * the opportunity's own transaction, so a forecast read is one Query of a period however many deals there are.
 *
 * What a deal adds (amounts in its currency's minor units):
 * - open and not omitted: `pipeline`; also `bestCase` when its category is bestCase or commit; also `commit`
 *   when commit; `weighted` = amount × probability / 100 rounded half-even once per deal;
 * - won: `closedWon`; lost or omitted: nothing but its count.
 * A deal without a close date or an amount is in no period.
 */
export const FIGURES = ['pipeline', 'bestCase', 'commit', 'closedWon', 'weighted'] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure, number>;
const COUNTS = ['open', 'won', 'lost'] as const;

export const zeroFigures = (): Figures => ({ pipeline: 0, bestCase: 0, commit: 0, closedWon: 0, weighted: 0 });

/** a × p / 100 rounded half to even (integers in, integer out). */
export function weightedAmount(amount: number, probability: number): number {
  const n = amount * probability;
  const q = Math.floor(n / 100);
  const r = n - q * 100;
  if (r > 50) return q + 1;
  if (r < 50) return q;
  return q % 2 === 0 ? q : q + 1;
}

export function stageKind(pipelines: readonly Pipeline[], pipelineId: unknown, stageId: unknown): StageKind {
  const p = pipelines.find((x) => x.id === (typeof pipelineId === 'string' ? pipelineId : DEFAULT_PIPELINE.id));
  return p?.stages.find((s) => s.id === stageId)?.kind ?? 'open';
}

interface Contribution { key: string; set: Record<string, string>; add: Record<string, number> }

/** What one deal adds to its aggregate item, or nothing (no close date or amount). */
export function contribution(pipelines: readonly Pipeline[], deal: Record<string, unknown> | undefined): Contribution | undefined {
  if (!deal) return undefined;
  const amount = deal.amount as { amount?: unknown; currency?: unknown } | undefined;
  if (typeof deal.closeDate !== 'string' || !amount || typeof amount.amount !== 'number' || typeof amount.currency !== 'string') return undefined;
  const period = quarterOf(deal.closeDate);
  const pipelineId = typeof deal.pipelineId === 'string' ? deal.pipelineId : DEFAULT_PIPELINE.id;
  const ownerId = String(deal.ownerId ?? '');
  // The kind the deal was written with (a later change of the pipeline must not change what it added).
  const kind = (deal.stageKind as StageKind | undefined) ?? stageKind(pipelines, pipelineId, deal.stage);
  const category = deal.forecastCategory ?? 'pipeline';
  const a = amount.amount;
  const probability = typeof deal.probability === 'number' ? deal.probability : 0;
  const add: Record<string, number> = { ...zeroFigures(), open: 0, won: 0, lost: 0 };
  if (kind === 'won') {
    add.closedWon = a;
    add.won = 1;
  } else if (kind === 'lost') {
    add.lost = 1;
  } else {
    add.open = 1;
    if (category !== 'omitted') {
      add.pipeline = a;
      if (category === 'bestCase' || category === 'commit') add.bestCase = a;
      if (category === 'commit') add.commit = a;
      add.weighted = weightedAmount(a, probability);
    }
  }
  return {
    key: keys.forecastAggSk(period, pipelineId, ownerId, amount.currency),
    set: { period, pipelineId, ownerId, currency: amount.currency },
    add,
  };
}

/** The aggregate additions of a change from `before` to `after` (either undefined when not live). */
export function forecastDeltas(pipelines: readonly Pipeline[], before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): AggregateDelta[] {
  const out = new Map<string, AggregateDelta>();
  const apply = (c: Contribution | undefined, sign: 1 | -1) => {
    if (!c) return;
    const d = out.get(c.key) ?? { scope: 'forecast', key: c.key, add: {}, set: c.set };
    for (const [f, v] of Object.entries(c.add)) d.add[f] = (d.add[f] ?? 0) + sign * v;
    out.set(c.key, d);
  };
  apply(contribution(pipelines, before), -1);
  apply(contribution(pipelines, after), 1);
  return [...out.values()]
    .map((d) => ({ ...d, add: Object.fromEntries(Object.entries(d.add).filter(([, v]) => v !== 0)) }))
    .filter((d) => Object.keys(d.add).length > 0);
}

export { COUNTS as FORECAST_COUNTS };
