import { httpHandler, json } from '#commons/http.ts';
import { invalid } from '#commons/errors.ts';
import { forecastDealsQuery, forecastQuery, forecastSettingsPut, quarterRange, quotaPut } from '#schemas/pipeline.ts';
import { assertCan, can } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { listRecords, parse } from '../records/service.ts';
import { opportunityEntityWith } from '../opportunities/entity.ts';
import { loadForecastSettings, loadForecastSnapshots, loadPipelines, loadQuotas, saveForecastSettings, saveQuota } from '../pipelines/store.ts';
import { sendForecastMails } from './email-job.ts';
import { ensureForecastSchedule } from './schedule.ts';
import { assembleForecast, assertMayRead, forecastTarget, periodPrefix, teamOf } from './service.ts';

export const forecastHandlers = {
  /**
   * GET /api/forecast?period=2026-Q4&groupBy=owner|team&pipeline=: from the period's aggregate items (one
   * Query), the directory, the quotas and the settings — four reads whatever the number of deals.
   */
  get: httpHandler(async ({ principal, query }) => {
    const q = parse(forecastQuery, query);
    const deps = recordDeps();
    const t = principal.tenantId;
    const [items, directory, quotas, settings, pipelines, snapshots] = await Promise.all([
      deps.store.aggregateItems?.(t, 'forecast', periodPrefix(q.period)) ?? Promise.resolve([]),
      deps.store.directory?.(t) ?? Promise.resolve([]),
      loadQuotas(t, q.period), loadForecastSettings(t), loadPipelines(t), loadForecastSnapshots(t, q.period, 3),
    ]);
    const args = { period: q.period, groupBy: q.groupBy ?? 'owner', ...(q.pipeline ? { pipeline: q.pipeline } : {}), directory, quotas, settings, pipelines } as const;
    const forecast = assembleForecast(principal, { ...args, items });
    // The trend: the newest weekly snapshot at least six days old (the Monday email keeps one a week).
    const weekAgo = deps.clock().getTime() - 6 * 86400_000;
    const last = snapshots.find((s) => Date.parse(s.takenAt) <= weekAgo);
    if (!last) return json(200, forecast);
    const before = assembleForecast(principal, { ...args, items: last.items });
    return json(200, { ...forecast, lastWeek: { at: last.takenAt, total: before.total, groups: before.groups } });
  }),

  /**
   * GET /api/forecast/deals?period=&owner=|team=&category=: the deals behind a figure, a page of the
   * opportunities list on the close-date index (one Query per page), checked by the record visibility as
   * every list is.
   */
  deals: httpHandler(async ({ principal, query }) => {
    const q = parse(forecastDealsQuery, query);
    const range = quarterRange(q.period)!;
    const deps = recordDeps();
    const directory = (await deps.store.directory?.(principal.tenantId)) ?? [];
    const byId = new Map(directory.map((u) => [u.id, u]));
    if (q.owner) assertMayRead(principal, byId.get(q.owner), q.owner);
    const team = q.team ? directory.filter((u) => teamOf(u.id, byId) === q.team).map((u) => u.id) : undefined;
    if (team) for (const id of team) assertMayRead(principal, byId.get(id), id);
    // The deals behind a figure (functions/opportunities/forecast-contribution.ts says what each figure adds): the category is
    // a key condition on its list index; won/open is checked on the page (a stage kind is the pipeline's).
    const categoryWhere: Record<string, Record<string, string>> = {
      pipeline: { 'where[forecastCategory][in]': 'pipeline,bestCase,commit' },
      weighted: { 'where[forecastCategory][in]': 'pipeline,bestCase,commit' },
      bestCase: { 'where[forecastCategory][in]': 'bestCase,commit' },
      commit: { 'where[forecastCategory][eq]': 'commit' },
      closedWon: {},
    };
    const pipelines = await loadPipelines(principal.tenantId);
    const extra = q.category ? categoryWhere[q.category]! : {};
    const entity = opportunityEntityWith(pipelines);
    const page = await listRecords(entity, principal, {
      'where[closeDate][gte]': range.from, 'where[closeDate][lte]': range.to,
      ...(q.owner ? { 'where[ownerId][eq]': q.owner } : {}),
      ...(team ? { 'where[ownerId][in]': team.join(',') } : {}),
      ...extra,
      ...(q.limit ? { limit: q.limit } : {}), ...(q.cursor ? { cursor: q.cursor } : {}),
    }, deps);
    // Open deals only for the open figures (a won deal is in commit's category but counted as closed won).
    const wanted = q.category === 'closedWon' ? 'won' : q.category ? 'open' : undefined;
    const items = page.items
      .filter((d) => !wanted || (d.stageKind ?? 'open') === wanted)
      .filter((d) => !q.pipeline || (d.pipelineId ?? 'default') === q.pipeline);
    return json(200, { ...page, items });
  }),

  /** GET /api/quotas?period=: the quotas the caller may see. */
  quotas: httpHandler(async ({ principal, query }) => {
    const period = typeof query.period === 'string' ? query.period : '';
    if (!quarterRange(period)) throw invalid([{ path: 'period', message: 'A quarter, e.g. 2026-Q4', code: 'invalid_format' }]);
    const deps = recordDeps();
    const [quotas, directory] = await Promise.all([loadQuotas(principal.tenantId, period), deps.store.directory?.(principal.tenantId) ?? Promise.resolve([])]);
    const byId = new Map(directory.map((u) => [u.id, u]));
    return json(200, { items: quotas.filter((x) => can(principal, 'forecast:read', { target: forecastTarget(x.userId, byId.get(x.userId)) })) });
  }),

  /** PUT /api/quotas (a manager for their reports, an admin for anyone): one user's quota for one quarter. */
  putQuota: httpHandler(async ({ principal, body }) => {
    const input = parse(quotaPut, body);
    const deps = recordDeps();
    const user = await deps.store.getUser(principal.tenantId, input.userId);
    if (!user) throw invalid([{ path: 'userId', message: `No such user: ${input.userId}`, code: 'unknown_user' }]);
    assertCan(principal, 'quotas:manage', { target: forecastTarget(user.id, user) });
    const settings = await loadForecastSettings(principal.tenantId);
    const quota = { ...input, currency: settings.currency, updatedAt: deps.clock().toISOString(), updatedBy: principal.userId };
    await saveQuota(principal.tenantId, quota);
    return json(200, quota);
  }),

  /** GET /api/settings/forecast: the currency, the rates and when the weekly email goes (everyone may read). */
  settings: httpHandler(async ({ principal }) => json(200, await loadForecastSettings(principal.tenantId))),

  /** PUT /api/settings/forecast (admins): saves the settings and moves the weekly email's schedule with them. */
  putSettings: httpHandler(async ({ principal, body }) => {
    assertCan(principal, 'pipelines:manage');
    const input = parse(forecastSettingsPut, body);
    const current = await loadForecastSettings(principal.tenantId);
    const next = { ...current, ...input, email: { ...current.email, ...input.email } };
    await saveForecastSettings(principal.tenantId, next);
    await ensureForecastSchedule(principal.tenantId, next);
    return json(200, next);
  }),

  /**
   * POST /api/forecast/email (admins): sends this week's forecast email now, to every manager who has not had
   * it today (the same claim as the schedule's, so nobody gets it twice); `{"to":"me"}` sends it to oneself
   * if one is a manager, whatever was sent.
   */
  sendNow: httpHandler(async ({ principal, body }) => {
    assertCan(principal, 'pipelines:manage');
    const toMe = Boolean(body && typeof body === 'object' && (body as { to?: unknown }).to === 'me');
    const result = await sendForecastMails(principal.tenantId, recordDeps(), toMe ? { onlyTo: principal.userId, force: true } : {});
    return json(200, result);
  }),
};
