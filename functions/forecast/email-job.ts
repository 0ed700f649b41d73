import type { Principal } from '#commons/auth.ts';
import { appUrl } from '#commons/app-url.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { DEFAULT_PIPELINE, quarterOf, quarterRange, type Pipeline } from '#schemas/pipeline.ts';
import { sendMail } from '../notifications/mailer.ts';
import type { Language } from '../notifications/templates.ts';
import { weightedAmount } from '../opportunities/forecast-contribution.ts';
import { opportunityEntityWith } from '../opportunities/entity.ts';
import { claimForecastMail, loadForecastSettings, loadPipelines, loadQuotas, saveForecastSnapshot, type ForecastSettings } from '../pipelines/store.ts';
import { recordDeps } from '../records/deps.ts';
import { listRecords, type RecordDeps } from '../records/service.ts';
import type { StoredRecord } from '../records/entity.ts';
import type { DirectoryUser } from '../records/store.ts';
import { forecastCsv, forecastMail, type DealRow, type MovedDeal } from './email.ts';
import { assembleForecast, periodPrefix } from './service.ts';

const WEEK_MS = 7 * 86400_000;

/** The tenant-local calendar date of an instant (`2026-12-07`): which week's email a firing is. */
export const localDate = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/** The manager as the reader of their email: the figures and deals are what they may see in the app. */
const asReader = (tenantId: string, u: DirectoryUser): Principal => ({ tenantId, userId: u.id, email: u.email, name: u.name, role: 'manager', groups: ['manager'] });

async function teamDeals(reader: Principal, period: string, deps: RecordDeps, pipelines: readonly Pipeline[]): Promise<StoredRecord[]> {
  const range = quarterRange(period)!;
  const entity = opportunityEntityWith(pipelines);
  const out: StoredRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await listRecords(entity, reader, {
      'where[closeDate][gte]': range.from, 'where[closeDate][lte]': range.to, limit: '100', ...(cursor ? { cursor } : {}),
    }, deps);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < 5000);
  return out;
}

export interface ForecastMailResult { sent: string[]; skipped: string[]; period: string; sendKey: string }

/**
 * Sends each manager of the tenant this quarter's forecast of their team, once per send (the tenant-local
 * date): a claim is written before each email, so a schedule that fires twice, or an admin's "send now"
 * after it, mails nobody twice that day. `onlyTo` limits it to one manager (send now to oneself).
 */
export async function sendForecastMails(tenantId: string, deps: RecordDeps, options: { onlyTo?: string; force?: boolean } = {}): Promise<ForecastMailResult> {
  const now = deps.clock();
  const settings: ForecastSettings = await loadForecastSettings(tenantId);
  const tz = settings.email.timeZone;
  const today = localDate(now, tz);
  const period = quarterOf(today);
  const [directory, pipelines, quotas, items] = await Promise.all([
    deps.store.directory?.(tenantId) ?? Promise.resolve([]), loadPipelines(tenantId), loadQuotas(tenantId, period),
    deps.store.aggregateItems?.(tenantId, 'forecast', periodPrefix(period)) ?? Promise.resolve([]),
  ]);
  // This week's figures, kept for next week's trend (GET /api/forecast's `lastWeek`); not for a send to oneself.
  if (!options.onlyTo) await saveForecastSnapshot(tenantId, { period, date: today, takenAt: now.toISOString(), items });
  const byId = new Map(directory.map((u) => [u.id, u]));
  const managers = directory.filter((u) => u.role === 'manager' && (!options.onlyTo || u.id === options.onlyTo));
  const url = await appUrl();
  const result: ForecastMailResult = { sent: [], skipped: [], period, sendKey: today };
  for (const m of managers) {
    const reader = asReader(tenantId, m);
    const lang: Language = m.language === 'en' ? 'en' : 'zh-CN';
    const stageLabel = (d: StoredRecord) => {
      const p = pipelines.find((x) => x.id === (d.pipelineId ?? DEFAULT_PIPELINE.id));
      return p?.stages.find((s) => s.id === d.stage)?.label[lang] ?? String(d.stage ?? '');
    };
    const forecast = assembleForecast(reader, { period, groupBy: 'owner', items, directory, quotas, settings, pipelines });
    const deals = await teamDeals(reader, period, deps, pipelines);
    const rows: DealRow[] = deals.map((d) => {
      const amount = d.amount as { amount: number; currency: string } | undefined;
      const probability = typeof d.probability === 'number' ? d.probability : 0;
      return {
        owner: byId.get(d.ownerId)?.name ?? d.ownerId, opportunity: d.name, account: String(d.accountName ?? ''), stage: stageLabel(d),
        amount: amount?.amount ?? 0, currency: amount?.currency ?? settings.currency, probability,
        weighted: d.stageKind === 'open' || d.stageKind === undefined ? weightedAmount(amount?.amount ?? 0, probability) : 0,
        closeDate: String(d.closeDate ?? ''), forecastCategory: String(d.forecastCategory ?? 'pipeline'),
      };
    });
    const since = now.getTime() - WEEK_MS;
    const movedDeals = deals.filter((d) => typeof d.stageEnteredAt === 'string' && Date.parse(d.stageEnteredAt) >= since && d.stageEnteredAt !== d.createdAt);
    const moved: MovedDeal[] = [];
    for (const d of movedDeals.slice(0, 50)) {
      const [last] = (await deps.store.history?.(tenantId, 'opportunity', d.id, 'stage', 1)) ?? [];
      const fromId = last?.data.from;
      const p = pipelines.find((x) => x.id === (d.pipelineId ?? DEFAULT_PIPELINE.id));
      const from = typeof fromId === 'string' ? p?.stages.find((s) => s.id === fromId)?.label[lang] ?? fromId : '—';
      moved.push({ opportunity: d.name, owner: byId.get(d.ownerId)?.name ?? d.ownerId, from, to: stageLabel(d), at: String(d.stageEnteredAt) });
    }
    if (!options.force && !(await claimForecastMail(tenantId, today, m.id, now.toISOString()))) {
      result.skipped.push(m.id);
      continue;
    }
    const mail = forecastMail({
      lang, timeZone: m.timeZone ?? tz, period, team: m.name, currency: settings.currency,
      rows: forecast.groups, total: { ...forecast.total, name: '' }, moved, rates: forecast.rates, appUrl: url,
    });
    const csv = new TextEncoder().encode(forecastCsv(rows, lang));
    await sendMail(m.email, mail, [{ fileName: `forecast-${period}-${today}.csv`, contentType: 'text/csv; charset=utf-8', content: csv }]);
    result.sent.push(m.id);
  }
  return result;
}

/** Scheduler target: the schedule's Input is `{tenantId}`. */
async function fromSchedule(event: { tenantId: string }): Promise<ForecastMailResult> {
  const result = await sendForecastMails(event.tenantId, recordDeps());
  await logger.info('forecast email', { tenantId: event.tenantId, ...result });
  return result;
}

export const handler = withObservability(fromSchedule);
