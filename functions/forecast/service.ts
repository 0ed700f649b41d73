import { forbidden, invalid } from '#commons/errors.ts';
import { keys } from '#commons/keys.ts';
import { quarterRange, type Pipeline } from '#schemas/pipeline.ts';
import type { Actor } from '../policy/policy.ts';
import { can } from '../policy/policy.ts';
import type { DirectoryUser } from '../records/store.ts';
import type { ForecastSettings, Quota } from '../pipelines/store.ts';
import { FIGURES, FORECAST_COUNTS, zeroFigures, type Figures } from '../opportunities/forecast-contribution.ts';

/** The digits after the decimal point of a currency (CNY 2, JPY 0, BHD 3), from ICU. */
export function currencyExponent(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Half to even at the integer: the same rule as a deal's weighted amount. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (Math.abs(d - 0.5) < 1e-9) return f % 2 === 0 ? f : f + 1;
  return Math.round(x);
}

/** Converts minor units of `from` into minor units of the tenant currency with the settings' rate (undefined: no rate). */
export function convert(amount: number, from: string, settings: ForecastSettings): { value: number; rate: number; asOf: string } | undefined {
  if (from === settings.currency) return { value: amount, rate: 1, asOf: '' };
  const direct = settings.rates.find((r) => r.base === from && r.quote === settings.currency);
  const inverse = settings.rates.find((r) => r.base === settings.currency && r.quote === from);
  const rate = direct?.rate ?? (inverse ? 1 / inverse.rate : undefined);
  if (rate === undefined) return undefined;
  const scale = 10 ** (currencyExponent(settings.currency) - currencyExponent(from));
  return { value: roundHalfEven(amount * rate * scale), rate, asOf: (direct ?? inverse)!.asOf };
}

type Row = Figures & { open: number; won: number; lost: number; quota: number | null };
const zeroRow = (): Row => ({ ...zeroFigures(), open: 0, won: 0, lost: 0, quota: null });

export interface ForecastInput {
  period: string;
  groupBy: 'owner' | 'team';
  pipeline?: string;
  items: readonly Record<string, unknown>[];
  directory: readonly DirectoryUser[];
  quotas: readonly Quota[];
  settings: ForecastSettings;
  pipelines: readonly Pipeline[];
}

/** A user as the policy's `target` of forecast:read and quotas:manage (who they are, whom they report to). */
export const forecastTarget = (id: string, u: Pick<DirectoryUser, 'role' | 'managerId'> | undefined) =>
  ({ id, ...(u?.role ? { role: u.role } : {}), ...(u?.managerId ? { managerId: u.managerId } : {}) });

/** The owners whose figures `p` may read: oneself; a manager also their reports; an admin everyone. */
export function visibleOwners(p: Actor, directory: readonly DirectoryUser[], ownerIds: Iterable<string>): Set<string> {
  const byId = new Map(directory.map((u) => [u.id, u]));
  return new Set([...ownerIds].filter((id) => can(p, 'forecast:read', { target: forecastTarget(id, byId.get(id)) })));
}

/** A team is its manager and the people reporting to them; someone with no manager is their own team. */
export const teamOf = (userId: string, byId: ReadonlyMap<string, DirectoryUser>) => {
  const u = byId.get(userId);
  if (!u) return userId;
  if (u.role === 'manager') return u.id;
  return u.managerId ?? u.id;
};

/**
 * GET /api/forecast from the aggregate items of one period (functions/opportunities/forecast-contribution.ts): per owner or
 * team and in total, converted to the tenant currency item by item (the rates used are returned), with quotas.
 * Its cost is the period's aggregate items, not its deals.
 */
export function assembleForecast(p: Actor, input: ForecastInput) {
  if (!quarterRange(input.period)) throw invalid([{ path: 'period', message: 'A quarter, e.g. 2026-Q4', code: 'invalid_format' }]);
  if (input.pipeline && !input.pipelines.some((x) => x.id === input.pipeline)) {
    throw invalid([{ path: 'pipeline', message: `No such pipeline: ${input.pipeline}`, code: 'unknown_pipeline' }]);
  }
  const byId = new Map(input.directory.map((u) => [u.id, u]));
  const owners = new Set<string>([
    ...input.items.map((i) => String(i.ownerId)),
    ...input.quotas.map((q) => q.userId),
    p.userId,
  ]);
  const visible = visibleOwners(p, input.directory, owners);
  const groups = new Map<string, Row>();
  const total = zeroRow();
  const rates = new Map<string, { currency: string; rate: number; asOf: string }>();
  const missing = new Set<string>();
  const groupKey = (ownerId: string) => (input.groupBy === 'team' ? teamOf(ownerId, byId) : ownerId);
  const rowOf = (key: string) => groups.get(key) ?? (groups.set(key, zeroRow()), groups.get(key)!);

  for (const item of input.items) {
    const ownerId = String(item.ownerId);
    if (!visible.has(ownerId)) continue;
    if (input.pipeline && item.pipelineId !== input.pipeline) continue;
    const currency = String(item.currency);
    const row = rowOf(groupKey(ownerId));
    for (const f of FIGURES) {
      const v = Number(item[f] ?? 0);
      if (!v) continue;
      const c = convert(v, currency, input.settings);
      if (!c) { missing.add(currency); continue; }
      if (currency !== input.settings.currency) rates.set(currency, { currency, rate: c.rate, asOf: c.asOf });
      row[f] += c.value;
      total[f] += c.value;
    }
    for (const n of FORECAST_COUNTS) {
      row[n] += Number(item[n] ?? 0);
      total[n] += Number(item[n] ?? 0);
    }
  }
  for (const id of visible) if (id === p.userId || input.quotas.some((q) => q.userId === id)) rowOf(groupKey(id));
  for (const q of input.quotas) {
    if (!visible.has(q.userId)) continue;
    const row = rowOf(groupKey(q.userId));
    const c = convert(q.amount, q.currency, input.settings)?.value ?? 0;
    row.quota = (row.quota ?? 0) + c;
    total.quota = (total.quota ?? 0) + c;
  }
  const nameOf = (key: string) => byId.get(key)?.name ?? key;
  return {
    period: input.period, currency: input.settings.currency, groupBy: input.groupBy,
    groups: [...groups.entries()].map(([key, row]) => ({ key, name: nameOf(key), ...row })).sort((a, b) => b.pipeline - a.pipeline || a.name.localeCompare(b.name)),
    total,
    rates: [...rates.values()],
    ...(missing.size ? { missingRates: [...missing] } : {}),
  };
}

/** The aggregate Query prefix of a period (and pipeline). */
export const periodPrefix = (period: string) => keys.forecastPeriodPrefix(period);

export function assertMayRead(p: Actor, owner: DirectoryUser | undefined, ownerId: string): void {
  if (!can(p, 'forecast:read', { target: forecastTarget(ownerId, owner) })) {
    throw forbidden('You may see your own forecast and your team\'s.');
  }
}
