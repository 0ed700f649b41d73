import * as z from 'zod/mini';
import { viewWhere, type ViewWhere } from '../view.ts';

/**
 * Lead scoring (issue 10, MA-4): the tenant's rules as data, and the pure arithmetic (server and web app).
 *
 * - Demographic rules: `{"where":{"title":{"contains":"CTO"}},"points":20}` (the views' condition shape), held
 *   while the lead matches; evaluated when a lead is created or one of the fields a rule names changes.
 * - Behaviour rules: `{"event":"email.clicked","points":10}`: points earned once per event (its id), with the
 *   time they were earned; they halve every `decay.halfLifeDays` after that (a step at each half-life, so a
 *   score changes at known moments: the lead's decay timer fires at the next one).
 * - `threshold`: a lead whose score reaches it becomes an MQL (once: `mql` stays true when the score decays).
 */
export const SCORING_EVENTS = ['email.opened', 'email.clicked', 'form.submitted', 'activity.logged'] as const;
export type ScoringEvent = (typeof SCORING_EVENTS)[number];
export const MAX_SCORING_RULES = 50;
/** Behaviour entries kept per rule on a lead (the oldest, most decayed, leave first). */
export const MAX_EARNED_PER_RULE = 25;
export const DAY_MS = 86_400_000;

const points = z.int().check(z.minimum(-1000), z.maximum(1000));
export const scoringRule = z.strictObject({
  id: z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,40}$/, 'A rule id is 1–40 letters, digits, _ or -'))),
  label: z.optional(z.string().check(z.trim(), z.maxLength(100))),
  where: z.optional(viewWhere),
  event: z.optional(z.enum(SCORING_EVENTS)),
  points,
});
export type ScoringRuleInput = z.infer<typeof scoringRule>;

export const scoringSettingsInput = z.strictObject({
  /** Off: no lead is scored (the rules are kept); absent in a PUT means on. */
  enabled: z.optional(z.boolean()),
  threshold: z.int().check(z.minimum(1), z.maximum(100000)),
  rules: z.array(scoringRule).check(z.maxLength(MAX_SCORING_RULES)),
  decay: z.strictObject({ halfLifeDays: z.nullable(z.int().check(z.minimum(1), z.maximum(3650))) }),
});
export type ScoringSettingsInput = z.infer<typeof scoringSettingsInput>;

export interface ScoringRule {
  readonly id: string;
  readonly label?: string;
  readonly where?: ViewWhere;
  readonly event?: ScoringEvent;
  readonly points: number;
}
export interface ScoringSettings {
  readonly enabled?: boolean;
  readonly threshold: number;
  readonly rules: readonly ScoringRule[];
  readonly decay: { readonly halfLifeDays: number | null };
}

export const defaultScoringSettings = (): ScoringSettings => ({ enabled: true, threshold: 50, rules: [], decay: { halfLifeDays: 30 } });

/** Whole-settings rules the schema cannot say: a rule is either about fields or about an event (or an event for matching leads). */
export function scoringProblems(s: ScoringSettingsInput): { path: string; message: string; code: string }[] {
  const errors: { path: string; message: string; code: string }[] = [];
  const ids = new Set<string>();
  s.rules.forEach((r, i) => {
    if (!r.event && (!r.where || Object.keys(r.where).length === 0)) errors.push({ path: `rules.${i}`, message: 'A rule needs field conditions (where) or an event', code: 'required' });
    if (r.event && r.points < 0) errors.push({ path: `rules.${i}.points`, message: 'Behaviour points are positive (they decay towards 0)', code: 'too_small' });
    if (r.id) {
      if (ids.has(r.id)) errors.push({ path: `rules.${i}.id`, message: 'Two rules have this id', code: 'duplicate' });
      ids.add(r.id);
    }
  });
  return errors;
}

// --- decay ----------------------------------------------------------------------------------------------

/**
 * Points earned `ageMs` ago, halved at every whole half-life since (never negative, exactly half at one
 * half-life, a quarter at two; non-increasing in age). Without a half-life they keep their value.
 */
export function decayed(points: number, ageMs: number, halfLifeDays: number | null): number {
  if (points <= 0) return 0;
  if (!halfLifeDays || ageMs <= 0) return points;
  const halvings = Math.floor(ageMs / (halfLifeDays * DAY_MS));
  return halvings >= 1074 ? 0 : points / 2 ** halvings;
}

/** The next moment after `now` at which points earned `at` halve again (undefined without decay). */
export function nextHalving(at: string, now: Date, halfLifeDays: number | null): Date | undefined {
  if (!halfLifeDays) return undefined;
  const step = halfLifeDays * DAY_MS;
  const earned = Date.parse(at);
  const k = Math.max(0, Math.floor((now.getTime() - earned) / step));
  return new Date(earned + (k + 1) * step);
}

// --- a lead's score -------------------------------------------------------------------------------------

export interface EarnedPoints { readonly eventId: string; readonly points: number; readonly at: string }
export interface BreakdownEntry {
  readonly ruleId: string;
  readonly label?: string;
  readonly kind: 'demographic' | 'behaviour';
  /** What the rule adds now (behaviour: after decay, two decimals). */
  readonly points: number;
  readonly event?: ScoringEvent;
  /** Behaviour: each event's points as earned, and when. */
  readonly earned?: readonly EarnedPoints[];
}

export interface ScoringEventInput { readonly eventId: string; readonly event: ScoringEvent; readonly at: string }

export interface ScorePass {
  readonly score: number;
  readonly breakdown: BreakdownEntry[];
  /** The event was already counted (a redelivery): nothing of it is added again. */
  readonly duplicate: boolean;
  /** When the next halving changes the score (the lead's decay timer), if any behaviour points remain. */
  readonly nextDecayAt?: string;
  /** The lead reaches the threshold for the first time. */
  readonly becomesMql: boolean;
}

type Matcher = (where: ViewWhere, lead: Readonly<Record<string, unknown>>) => boolean;

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The fields demographic rules look at (a lead.updated that changed none of them changes no score). */
export function scoredFields(settings: ScoringSettings): Set<string> {
  return new Set(settings.rules.flatMap((r) => Object.keys(r.where ?? {})));
}

/**
 * One scoring pass of a lead at `now`: the demographic rules it matches, its behaviour points (kept from its
 * breakdown, plus `event` when a rule counts it and it was not counted before) decayed to `now`; the score is
 * their sum, rounded.
 */
export function scorePass(settings: ScoringSettings, lead: Readonly<Record<string, unknown>>, now: Date, matches: Matcher, event?: ScoringEventInput): ScorePass {
  const previous = Array.isArray(lead.scoreBreakdown) ? (lead.scoreBreakdown as BreakdownEntry[]) : [];
  const seen = new Set(previous.flatMap((e) => (e.earned ?? []).map((x) => x.eventId)));
  const duplicate = event ? seen.has(event.eventId) : false;
  const breakdown: BreakdownEntry[] = [];
  let next: number | undefined;
  const hl = settings.decay.halfLifeDays;
  for (const rule of settings.rules) {
    const label = rule.label ? { label: rule.label } : {};
    if (!rule.event) {
      if (rule.where && matches(rule.where, lead)) breakdown.push({ ruleId: rule.id, ...label, kind: 'demographic', points: rule.points });
      continue;
    }
    const kept = previous.find((e) => e.ruleId === rule.id && e.kind === 'behaviour')?.earned ?? [];
    let earned = [...kept];
    if (event && !duplicate && event.event === rule.event && (!rule.where || matches(rule.where, lead))) {
      earned.push({ eventId: event.eventId, points: rule.points, at: event.at });
    }
    // Drop what has decayed to (almost) nothing, and the oldest beyond the cap.
    earned = earned
      .filter((x) => decayed(x.points, now.getTime() - Date.parse(x.at), hl) >= 0.01)
      .sort((a, b) => a.at.localeCompare(b.at) || a.eventId.localeCompare(b.eventId))
      .slice(-MAX_EARNED_PER_RULE);
    if (earned.length === 0) continue;
    const value = earned.reduce((sum, x) => sum + decayed(x.points, now.getTime() - Date.parse(x.at), hl), 0);
    for (const x of earned) {
      const n = nextHalving(x.at, now, hl);
      if (n && (next === undefined || n.getTime() < next)) next = n.getTime();
    }
    breakdown.push({ ruleId: rule.id, ...label, kind: 'behaviour', event: rule.event, points: round2(value), earned });
  }
  const score = Math.round(breakdown.reduce((s, e) => s + e.points, 0)) + 0;
  return {
    score, breakdown, duplicate,
    ...(next !== undefined ? { nextDecayAt: new Date(next).toISOString() } : {}),
    becomesMql: lead.mql !== true && score >= settings.threshold,
  };
}
