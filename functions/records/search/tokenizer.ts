import { nameKey } from '#commons/keys.ts';
import { phoneSearchTokens } from '#schemas/phone.ts';

/**
 * Search tokens of text (issue 7): Latin text by its words, Chinese text by the words inside it.
 *
 * A search-token item is matched by `begins_with(sk, <query>)`, so a token must *start* where a user's query
 * starts. Latin names have spaces; Chinese names do not, so a Han run gives, most useful first:
 *   1. its segments from `Intl.Segmenter('zh', { granularity: 'word' })` of two characters or more
 *      (上海示例科技 → 上海, 示例, 科技),
 *   2. its adjacent character pairs (bigrams), because the segmenter splits personal names (王伟 → 王 | 伟)
 *      and a query can start anywhere (海示),
 *   3. its single characters (伟 finds 王伟).
 * Callers cap what they take (MAX_TOKENS_PER_FIELD), so a long company name keeps its whole name and its
 * words and loses only the later pairs and single characters.
 */

const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;
const ONLY_HAN = /^\p{Script=Han}+$/u;

let segmenter: Intl.Segmenter | undefined;
const zh = () => (segmenter ??= new Intl.Segmenter('zh', { granularity: 'word' }));

export const hasHan = (s: string) => HAN.test(s);

/** The word-like segments of a Han run, as Node 22's ICU segments them. */
export function hanSegments(run: string): string[] {
  return [...zh().segment(run)].filter((s) => s.isWordLike).map((s) => s.segment);
}

/** Candidate tokens of a display name (already nameKey-normalised), most useful first, duplicates allowed. */
export function* nameTokens(name: string): Generator<string> {
  yield name;
  const words = name.split(' ');
  if (words.length > 1) yield* words;
  yield* hanTokens(name);
}

/** Candidate tokens of free text in a search field (a lead's company): the whole text, then its Han parts. */
export function* textTokens(value: string): Generator<string> {
  const key = nameKey(value);
  yield key;
  yield* hanTokens(key);
}

/** The Han parts of a text, in priority order: segments of 2+ characters, character pairs, characters. */
export function* hanTokens(text: string): Generator<string> {
  const runs = [...text.matchAll(HAN_RUN)].map((m) => m[0]);
  for (const run of runs) yield* hanSegments(run).filter((s) => s.length >= 2);
  for (const run of runs) for (let i = 0; i + 2 <= run.length; i++) yield run.slice(i, i + 2);
  for (const run of runs) yield* run;
}

/**
 * Phone tokens from an E.164 number: the digits with and without the country code, then the suffixes of
 * the national number from the last four digits up (13800138000 → 8000, 38000, 138000, ...), so
 * "the last four or more digits" find it. `national` is the number without its calling code.
 */
export function* phoneTokens(digits: string, national: string | undefined): Generator<string> {
  yield digits;
  if (national && national !== digits) yield national;
  const base = national ?? digits;
  for (let n = 4; n < base.length; n++) yield base.slice(base.length - n);
}

/** How a typed query is matched against tokens. */
export interface SearchPlan {
  /** What the token sort key must begin with. */
  readonly prefix: string;
  /**
   * Set for a Han query longer than two characters: the prefix is its first character pair (every pair of
   * a short name is a token; a long name keeps its words and first pairs), and a hit must also contain the
   * whole query in its name or subtitle.
   */
  readonly contains?: string;
}

export function searchPlan(q: string): SearchPlan {
  const trimmed = q.normalize('NFKC').trim();
  if (/^[+\d\s().-]+$/.test(trimmed) && /\d/.test(trimmed)) return { prefix: trimmed.replace(/\D/g, '') };
  const key = nameKey(trimmed).replace(/#/g, '');
  const compact = key.replace(/ /g, '');
  if (ONLY_HAN.test(compact) && compact.length > 2) return { prefix: compact.slice(0, 2), contains: compact };
  return { prefix: key };
}

/** Whether a token hit satisfies the plan's `contains` (names and subtitles compared as nameKey, spaces ignored). */
export function planMatches(plan: SearchPlan, hit: { name?: string; subtitle?: string }): boolean {
  if (!plan.contains) return true;
  const norm = (s: string | undefined) => nameKey(s ?? '').replace(/ /g, '');
  return norm(hit.name).includes(plan.contains) || norm(hit.subtitle).includes(plan.contains);
}

const MAX_TOKEN_LENGTH = 100;
/** A candidate as it is stored: no `#` (the separator before the id), trimmed, at most 100 characters. */
export const cleanToken = (t: string) => t.replace(/#/g, '').trim().slice(0, MAX_TOKEN_LENGTH);

/**
 * Candidate tokens of a search field's value, most useful first: a phone by its digits and last digits, an
 * email by its address, domain and local-name parts, other text by its words (and Chinese parts).
 */
export function* fieldTokens(v: string, phone: boolean): Generator<string> {
  if (phone) {
    const [digits, national] = phoneSearchTokens(v);
    yield* phoneTokens(digits!, national);
    return;
  }
  const lower = v.toLowerCase();
  if (!lower.includes('@')) {
    yield* textTokens(v);
    return;
  }
  yield lower;
  // "huawei" should find wei.zhang@huawei.com by its domain, and "zhang" by a part of the local name.
  const at = lower.indexOf('@');
  if (at > 0) {
    yield lower.slice(at + 1);
    for (const m of lower.slice(0, at).matchAll(/[._+-]/g)) yield lower.slice(m.index! + 1);
  }
}
