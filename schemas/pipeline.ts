import * as z from 'zod/mini';

/**
 * SFA-4 pipelines: ordered stages with a win probability, a kind (open / won / lost) and the fields a deal
 * must have to enter the stage. A tenant starts with DEFAULT_PIPELINE (stored once an admin changes it).
 * Shared by the functions and the web app.
 */
export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** How sure the owner is of an open deal (SFA-9); won deals count as closed won, lost ones as omitted. */
export const FORECAST_CATEGORIES = ['pipeline', 'bestCase', 'commit', 'omitted'] as const;
export type ForecastCategory = (typeof FORECAST_CATEGORIES)[number];

/** Why a deal was lost (the picklist a Closed Lost move asks for). */
export const LOST_REASONS = ['price', 'competitor', 'noDecision', 'timing', 'other'] as const;
export type LostReason = (typeof LOST_REASONS)[number];

export const MAX_PIPELINES = 20;
export const MAX_STAGES = 20;
export const MAX_REQUIRED_FIELDS = 10;

const localizedName = z.strictObject({
  en: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
  'zh-CN': z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
});
const slug = z.string().check(z.regex(/^[a-z][A-Za-z0-9_-]{0,39}$/, 'A short id: a lower-case letter, then letters, digits, _ or - (at most 40)'));

export const stage = z.strictObject({
  id: slug,
  label: localizedName,
  probability: z.int().check(z.gte(0), z.lte(100)),
  kind: z.enum(STAGE_KINDS),
  /** Opportunity fields (standard or `c_`) a deal must have to enter this stage. */
  requiredFields: z._default(z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.maxLength(MAX_REQUIRED_FIELDS)), []),
});
export type Stage = z.infer<typeof stage>;

const stages = z.array(stage).check(
  z.minLength(2), z.maxLength(MAX_STAGES),
  z.refine((s) => new Set(s.map((x) => x.id)).size === s.length, 'Each stage id at most once'),
  z.refine((s) => s.some((x) => x.kind === 'open'), 'At least one open stage'),
  z.refine((s) => s.some((x) => x.kind === 'won'), 'A won stage'),
  z.refine((s) => s.some((x) => x.kind === 'lost'), 'A lost stage'),
);

/** POST /api/pipelines (admins). */
export const pipelineCreate = z.strictObject({ id: slug, name: localizedName, stages });
/** PUT /api/pipelines/{id} (admins, If-Match): the whole pipeline. */
export const pipelinePut = z.strictObject({ name: localizedName, stages });

export interface Pipeline {
  id: string;
  name: { en: string; 'zh-CN': string };
  stages: Stage[];
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

const s = (id: string, en: string, zh: string, probability: number, kind: StageKind): Stage => ({ id, label: { en, 'zh-CN': zh }, probability, kind, requiredFields: [] });

/** The pipeline every tenant starts with (the contract of issue 8; stage ids as the opportunities' stages before pipelines). */
export const DEFAULT_PIPELINE: Pipeline = {
  id: 'default',
  name: { en: 'New business', 'zh-CN': '新业务' },
  version: 0,
  stages: [
    s('prospecting', 'Prospecting', '初步接洽', 10, 'open'),
    s('qualification', 'Qualification', '需求分析', 20, 'open'),
    s('proposal', 'Proposal', '方案提供', 50, 'open'),
    s('negotiation', 'Negotiation', '商务谈判', 75, 'open'),
    s('won', 'Closed Won', '赢单', 100, 'won'),
    s('lost', 'Closed Lost', '输单', 0, 'lost'),
  ],
};

/** The calendar quarter of a date or timestamp, `2026-Q4` (the forecast's period; close dates are dates). */
export function quarterOf(date: string): string {
  const [y, m] = [date.slice(0, 4), Number(date.slice(5, 7))];
  return `${y}-Q${Math.ceil(m / 3)}`;
}

/** `2026-Q4` → its first and last date, or undefined if it is not a quarter. */
export function quarterRange(period: string): { from: string; to: string } | undefined {
  const m = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!m) return undefined;
  const y = Number(m[1]);
  const q = Number(m[2]);
  const from = `${y}-${String(q * 3 - 2).padStart(2, '0')}-01`;
  const lastDay = new Date(Date.UTC(y, q * 3, 0)).getUTCDate();
  return { from, to: `${y}-${String(q * 3).padStart(2, '0')}-${lastDay}` };
}

export const periodParam = z.string().check(z.regex(/^\d{4}-Q[1-4]$/, 'A quarter, e.g. 2026-Q4'));

/** PUT /api/quotas (managers for their reports, admins): a user's quota for a quarter, in the tenant currency. */
export const quotaPut = z.strictObject({
  userId: z.string().check(z.minLength(1), z.maxLength(64)),
  period: periodParam,
  amount: z.int().check(z.gte(0)),
});

export const forecastQuery = z.strictObject({
  period: periodParam,
  groupBy: z.optional(z.enum(['owner', 'team'])),
  pipeline: z.optional(z.string().check(z.maxLength(40))),
});

export const forecastDealsQuery = z.strictObject({
  period: periodParam,
  owner: z.optional(z.string().check(z.maxLength(64))),
  team: z.optional(z.string().check(z.maxLength(64))),
  category: z.optional(z.enum(['pipeline', 'bestCase', 'commit', 'closedWon', 'weighted'])),
  pipeline: z.optional(z.string().check(z.maxLength(40))),
  limit: z.optional(z.string()),
  cursor: z.optional(z.string()),
});

const figures = {
  pipeline: z.int(), bestCase: z.int(), commit: z.int(), closedWon: z.int(), weighted: z.int(),
  quota: z.nullable(z.int()), open: z.int(), won: z.int(), lost: z.int(),
};
/** GET /api/forecast: every figure in integer minor units of the tenant currency. */
export const forecastResponse = z.object({
  period: z.string(), currency: z.string(), groupBy: z.enum(['owner', 'team']),
  groups: z.array(z.object({ key: z.string(), name: z.string(), ...figures })),
  total: z.object(figures),
  /** Per deal currency, the rate used (1 currency = rate tenant currency) and its date. */
  rates: z.array(z.object({ currency: z.string(), rate: z.number(), asOf: z.string() })),
  /** The figures of the newest weekly snapshot at least six days old (kept by the Monday email), when there is one. */
  lastWeek: z.optional(z.object({ at: z.string(), groups: z.array(z.object({ key: z.string(), name: z.string(), ...figures })), total: z.object(figures) })),
});

/** PUT /api/settings/forecast (admins): the weekly email's day, time and time zone; currency and rates. */
export const forecastSettingsPut = z.strictObject({
  currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/, 'An ISO 4217 code, e.g. CNY'))),
  rates: z.optional(z.array(z.strictObject({
    base: z.string().check(z.regex(/^[A-Z]{3}$/, 'An ISO 4217 code')), quote: z.string().check(z.regex(/^[A-Z]{3}$/, 'An ISO 4217 code')),
    rate: z.number().check(z.gt(0)), asOf: z.iso.date(),
  })).check(z.maxLength(50))),
  email: z.optional(z.strictObject({
    enabled: z.boolean(),
    day: z.enum(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']),
    time: z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour')),
    timeZone: z.string().check(z.refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } }, 'An IANA time zone, e.g. Asia/Shanghai')),
  })),
});
