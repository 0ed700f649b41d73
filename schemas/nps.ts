import * as z from 'zod/mini';

/**
 * NPS (issue 9, SVC-5): a tenant's Net Promoter Score program — a periodic one-question survey ("how likely
 * are you to recommend us", 0–10) emailed to the contacts of a segment (a saved contact view) on a schedule.
 * Shared by the functions (settings, rounds, answers) and the web app (the settings form, the survey page).
 */
export const NPS_CADENCES = ['monthly', 'quarterly'] as const;
export type NpsCadence = (typeof NPS_CADENCES)[number];

const timeZone = z.string().check(
  z.maxLength(64),
  z.refine((tz) => { try { new Intl.DateTimeFormat('en', { timeZone: tz }); return true; } catch { return false; } }, 'An IANA time zone, e.g. Asia/Shanghai'),
);
const question = z.string().check(z.trim(), z.minLength(1, 'Write the question'), z.maxLength(300));

/** PUT /api/settings/nps: the whole program. */
export const npsSettings = z.strictObject({
  enabled: z.boolean(),
  /** The saved contact view whose contacts are surveyed (`vw-contacts-…`); null: none chosen yet. */
  segmentViewId: z.nullable(z.string().check(z.regex(/^vw-contacts-[0-9A-Za-z]{10,40}$/, 'A saved view of contacts'))),
  cadence: z.enum(NPS_CADENCES),
  /** The day of the month of a round (1–28, so every month has it); quarterly: in January, April, July and October. */
  dayOfMonth: z.int().check(z.gte(1), z.lte(28)),
  /** `HH:MM`, 24 hours, in `timeZone`. */
  time: z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'A time as HH:MM, e.g. 10:00')),
  timeZone,
  question: z.strictObject({ en: question, 'zh-CN': question }),
  /** A contact surveyed within this many days is skipped by a round (the survey-fatigue rule). */
  quietDays: z.int().check(z.gte(1), z.lte(365)),
});
export type NpsSettings = z.infer<typeof npsSettings>;

export const defaultNpsSettings = (): NpsSettings => ({
  enabled: false,
  segmentViewId: null,
  cadence: 'quarterly',
  dayOfMonth: 1,
  time: '10:00',
  timeZone: 'Asia/Shanghai',
  question: {
    en: 'How likely are you to recommend us to a friend or colleague?',
    'zh-CN': '您有多大可能向朋友或同事推荐我们？',
  },
  quietDays: 60,
});

/** The answer of an NPS survey: 0–10 and an optional comment. */
export const npsAnswer = z.strictObject({ score: z.int().check(z.gte(0), z.lte(10)), comment: z.optional(z.string().check(z.trim(), z.maxLength(2000))) });

export type NpsCategory = 'promoter' | 'passive' | 'detractor';
/** 9–10 promoters, 7–8 passives, 0–6 detractors (the standard NPS bands). */
export const npsCategory = (score: number): NpsCategory => (score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor');

/** The score of a set of answers: % promoters − % detractors, −100 to 100, rounded to a whole number; null without answers. */
export function netPromoterScore(f: { responses: number; promoters: number; detractors: number }): number | null {
  if (f.responses <= 0) return null;
  const score = Math.round(((f.promoters - f.detractors) / f.responses) * 100);
  return score === 0 ? 0 : score; // never -0
}

/** What a contact record keeps of their latest answer (`nps` on the contact). */
export interface ContactNps { score: number; category: NpsCategory; at: string; roundId: string; responseId: string; comment?: string }

/** POST /api/settings/nps/send: what a round did. */
export interface NpsRoundResult {
  roundId: string;
  /** False when the round stopped at its time budget: sending again goes on from where it stopped. */
  done: boolean;
  sent: number;
  skipped: { noEmail: number; recent: number; alreadySent: number; refused: number };
}
