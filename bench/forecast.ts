/**
 * The forecast and the board (issue 8: "board load with 200 deals, forecast read at 1,000 and 10,000 deals
 * (requests and time next to the raw DynamoDB reads), time from a stage move to the updated forecast figure").
 *
 *  1. BENCH_FORECAST_DEALS (default 1,000 and 10,000) opportunities per size, each size in a quarter of its own,
 *     made by the record service (bench/records-seed.ts) and written straight into DynamoDB Local: the records,
 *     their list-index items and tokens, and the forecast aggregate items their creation adds to (summed here,
 *     as DynamoDB's ADDs would have).
 *  2. `GET /api/forecast?period=<quarter>&groupBy=owner` through the HTTP API, recorded at the proxy; its raw
 *     floor is the reads it made (the aggregate Query and the configuration reads), sent again with the SDK;
 *     BENCH_FORECAST_SAMPLES rounds (default 100) alternating. The read's requests and items do not grow with
 *     the deals: that is the point.
 *  3. The board: 200 deals in a pipeline of their own; the board's first screen is one list request per stage
 *     (`where[pipelineId]`, `where[stage]`, `sort=closeDate`, `limit=20`) sent together, next to their reads.
 *  4. A stage move (PATCH with If-Match) and the forecast read right after it: the figure has moved on the first
 *     read (the aggregates change in the deal's own transaction), so the time to the updated figure is the
 *     PATCH plus one read.
 */
import { DEFAULT_PIPELINE, type Pipeline } from '../schemas/pipeline.ts';
import { keys } from '../functions/commons/keys.ts';
import { opportunityEntityWith } from '../functions/opportunities/entity.ts';
import type { ListContext } from './lists.ts';
import { againstFloor, random } from './lists.ts';
import { SEED_CONCURRENCY, batchWrite, opsText, seeder, settleFully, stat, type Reads, type Stat } from './records-seed.ts';

const SIZES = (process.env.BENCH_FORECAST_DEALS ?? '1000,10000').split(',').map(Number).filter((n) => n > 0);
const SAMPLES = Number(process.env.BENCH_FORECAST_SAMPLES ?? 100);
const BOARD_DEALS = 200;
const MOVES = 30;
const l = (en: string, zh: string) => ({ en, 'zh-CN': zh });
const BOARD: Pipeline = {
  id: 'benchboard', name: l('Bench board', '基准看板'), version: 1,
  stages: [
    { id: 'b1', label: l('One', '一'), probability: 10, kind: 'open', requiredFields: [] },
    { id: 'b2', label: l('Two', '二'), probability: 30, kind: 'open', requiredFields: [] },
    { id: 'b3', label: l('Three', '三'), probability: 60, kind: 'open', requiredFields: [] },
    { id: 'b4', label: l('Four', '四'), probability: 80, kind: 'open', requiredFields: [] },
    { id: 'bw', label: l('Won', '赢'), probability: 100, kind: 'won', requiredFields: [] },
    { id: 'bl', label: l('Lost', '输'), probability: 0, kind: 'lost', requiredFields: [] },
  ],
} as Pipeline;

export interface ForecastSize { deals: number; period: string; aggregateItems: number; seedSeconds: number; api: Stat; floor: Stat; apiReads: Reads; floorReads: Reads }
export interface ForecastReport {
  sizes: ForecastSize[];
  board: { deals: number; columns: number; api: Stat; floor: Stat; apiReads: Reads; floorReads: Reads };
  move: { samples: number; patch: Stat; toFigure: Stat; movedOnFirstRead: number };
}

export async function measureForecast(c: ListContext): Promise<ForecastReport> {
  const { base, admin, log } = c;
  const made = await fetch(`${base}/api/pipelines`, { method: 'POST', headers: admin.headers, body: JSON.stringify({ id: BOARD.id, name: BOARD.name, stages: BOARD.stages }) });
  if (made.status !== 201 && made.status !== 400) throw new Error(`POST /api/pipelines: ${made.status} ${await made.text()}`);
  const def = opportunityEntityWith([DEFAULT_PIPELINE, BOARD]);
  const seed = seeder({ actor: admin.principal, users: c.users, tenantId: c.tenantId, table: c.table, raw: c.raw });
  const owners = c.users.filter((u) => u.role === 'rep' || u.role === 'manager').map((u) => u.id);
  const rnd = random(8);
  const openStages = ['prospecting', 'qualification', 'proposal', 'negotiation'];

  /** Seeds `n` deals closing in `quarter` of 2031 (the pipeline `pipelineId`), with their summed aggregates. */
  async function seedDeals(n: number, quarter: number, pipeline: Pipeline): Promise<{ seconds: number; aggregateItems: number; ids: string[] }> {
    const t0 = performance.now();
    const sums = new Map<string, { scope: string; key: string; add: Record<string, number>; set: Record<string, string> }>();
    const ids: string[] = [];
    const stages = pipeline.id === DEFAULT_PIPELINE.id ? [...openStages, 'won'] : pipeline.stages.filter((s) => s.kind !== 'lost').map((s) => s.id);
    let pending: Promise<void> = Promise.resolve();
    for (let i = 0; i < n; i += 500) {
      const items: Record<string, unknown>[] = [];
      for (let k = i; k < Math.min(n, i + 500); k++) {
        const month = (quarter - 1) * 3 + 1 + Math.floor(rnd() * 3);
        const body = {
          name: `Bench deal ${quarter}-${String(k).padStart(5, '0')}`, pipelineId: pipeline.id, stage: stages[Math.floor(rnd() * stages.length)],
          amount: { amount: 10_000 + Math.floor(rnd() * 5_000_000), currency: rnd() < 0.8 ? 'CNY' : 'USD' },
          closeDate: `2031-${String(month).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`,
          ownerId: owners[k % owners.length],
        };
        const r = await seed.create(def, body, new Date(Date.parse('2026-06-01T00:00:00Z') + k * 1000));
        items.push(...r.items);
        ids.push(r.record.id);
        for (const a of r.aggregates) {
          const key = `${a.scope}|${a.key}`;
          const s = sums.get(key) ?? { scope: a.scope, key: a.key, add: {}, set: a.set };
          for (const [f, v] of Object.entries(a.add)) s.add[f] = (s.add[f] ?? 0) + v;
          sums.set(key, s);
        }
      }
      await pending;
      pending = batchWrite(c.seedClient, c.table, items, SEED_CONCURRENCY);
    }
    await pending;
    const aggregates = [...sums.values()].map((s) => ({ ...s.set, ...s.add, pk: keys.aggregate(c.tenantId, s.scope), sk: s.key, entityType: 'aggregate' }));
    await batchWrite(c.seedClient, c.table, aggregates, SEED_CONCURRENCY);
    return { seconds: (performance.now() - t0) / 1000, aggregateItems: aggregates.length, ids };
  }

  const get = async (path: string) => {
    const r = await fetch(`${base}${path}`, { headers: admin.headers });
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  const measured = (call: () => Promise<unknown>) => againstFloor(c, SAMPLES, call);

  const sizes: ForecastSize[] = [];
  for (const [i, n] of SIZES.entries()) {
    const quarter = 2 + (i % 3);
    const period = `2031-Q${quarter}`;
    log(`forecast: seeding ${n} deals closing in ${period}…`);
    const s = await seedDeals(n, quarter, DEFAULT_PIPELINE);
    await settleFully(c.settle);
    const m = await measured(() => get(`/api/forecast?period=${period}&groupBy=owner`));
    log(`  ${n} deals (${s.aggregateItems} aggregate items): API ${opsText(m.apiReads)}, p50 ${m.api.p50.toFixed(2)} ms; floor p50 ${m.floor.p50.toFixed(2)} ms`);
    sizes.push({ deals: n, period, aggregateItems: s.aggregateItems, seedSeconds: s.seconds, ...m });
  }

  log(`board: seeding ${BOARD_DEALS} deals in ${BOARD.id}…`);
  const board = await seedDeals(BOARD_DEALS, 1, BOARD);
  await settleFully(c.settle);
  const columns = BOARD.stages.map((st) => `/api/opportunities?limit=20&sort=closeDate&where[pipelineId][eq]=${BOARD.id}&where[stage][eq]=${st.id}`);
  const boardM = await measured(() => Promise.all(columns.map(get)));
  log(`  board: ${columns.length} columns, API ${opsText(boardM.apiReads)}, p50 ${boardM.api.p50.toFixed(2)} ms; floor p50 ${boardM.floor.p50.toFixed(2)} ms`);

  // Stage moves of board deals and the quarter's weighted figure right after each.
  const patch: number[] = [];
  const toFigure: number[] = [];
  let movedOnFirstRead = 0;
  const period = '2031-Q1';
  for (let k = 0; k < MOVES; k++) {
    const id = board.ids[k]!;
    const deal = await get(`/api/opportunities/${id}`);
    if (deal.stage === 'bw') continue;
    const before = (await get(`/api/forecast?period=${period}&groupBy=owner&pipeline=${BOARD.id}`)).total.weighted;
    const next = deal.stage === 'b4' ? 'b1' : `b${Number(String(deal.stage).slice(1)) + 1}`;
    const t0 = performance.now();
    const r = await fetch(`${base}/api/opportunities/${id}`, { method: 'PATCH', headers: { ...admin.headers, 'if-match': `"${deal.version}"` }, body: JSON.stringify({ stage: next }) });
    if (!r.ok) throw new Error(`PATCH: ${r.status} ${await r.text()}`);
    const t1 = performance.now();
    const after = (await get(`/api/forecast?period=${period}&groupBy=owner&pipeline=${BOARD.id}`)).total.weighted;
    const t2 = performance.now();
    patch.push(t1 - t0);
    toFigure.push(t2 - t0);
    if (after !== before) movedOnFirstRead++;
  }
  return {
    sizes,
    board: { deals: BOARD_DEALS, columns: columns.length, ...boardM },
    move: { samples: patch.length, patch: stat(patch), toFigure: stat(toFigure), movedOnFirstRead },
  };
}

const ms = (x: number) => x.toFixed(2);
export function forecastMarkdown(r: ForecastReport): string {
  const out = [
    '### Forecast and board (issue 8)',
    '',
    `Deals made by the record service and written straight into DynamoDB Local with their summed forecast aggregates; ${SAMPLES} rounds of API and raw floor, alternating. *Floor* = the request's own DynamoDB reads, sent again as recorded.`,
    '',
    '| read | deals | aggregate items | p50 API (ms) | p50 floor (ms) | ratio | p99 API | p99 floor | API reads | floor reads |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...r.sizes.map((s) => `| \`GET /api/forecast?period=${s.period}&groupBy=owner\` | ${s.deals.toLocaleString('en')} | ${s.aggregateItems} | ${ms(s.api.p50)} | ${ms(s.floor.p50)} | ${(s.api.p50 / s.floor.p50).toFixed(2)}× | ${ms(s.api.p99)} | ${ms(s.floor.p99)} | ${opsText(s.apiReads)} | ${opsText(s.floorReads)} |`),
    `| the board's first screen: ${r.board.columns} column lists at once | ${r.board.deals} | – | ${ms(r.board.api.p50)} | ${ms(r.board.floor.p50)} | ${(r.board.api.p50 / r.board.floor.p50).toFixed(2)}× | ${ms(r.board.api.p99)} | ${ms(r.board.floor.p99)} | ${opsText(r.board.apiReads)} | ${opsText(r.board.floorReads)} |`,
    '',
    `Stage move → updated figure (${r.move.samples} moves): PATCH p50 ${ms(r.move.patch.p50)} ms (p99 ${ms(r.move.patch.p99)}); PATCH + the next forecast read p50 ${ms(r.move.toFigure.p50)} ms (p99 ${ms(r.move.toFigure.p99)}); the figure had moved on the first read after the PATCH in ${r.move.movedOnFirstRead} of ${r.move.samples}.`,
    '',
  ];
  return out.join('\n');
}
