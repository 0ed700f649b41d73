import type { MarketingMessage, MarketingRecipient, MarketingSource, SendOutcome } from '../marketing-mail/send.ts';
import type { StoredRecord } from '../records/entity.ts';

/**
 * The send of an email campaign (MA-2), pure over its dependencies (the store, the segment's pages, the
 * template renderer and sendMarketingEmail are injected; so are time and sleep), so the unit tests drive it
 * with fakes.
 *
 * - Phase `segment`: the segment's records page by page (the view's filters, through the record service);
 *   phase `manual`: the members added by hand not mailed yet. Each recipient is rendered in their language
 *   (`language`, else the tenant's) and handed to sendMarketingEmail with the deterministic sendId
 *   `campaign:<campaignId>:<object>:<recordId>`: that call writes its send record before SES is called and
 *   answers `already-sent` the second time, so a restart after a crash mails nobody twice.
 * - Throttled to the tenant's SES sending rate: send starts are spaced 1000/rate ms apart.
 * - After each page the cursor and counts are checkpointed (with the members' outcomes); a run that is
 *   out of time (`budgetMs`) stops after a page and asks for a continuation, which goes on from there.
 */
export type Language = 'zh-CN' | 'en';
export type MemberObject = 'contacts' | 'leads';

export interface Recipient { readonly object: MemberObject; readonly record: StoredRecord }
export interface Page { readonly items: readonly Recipient[]; readonly nextCursor?: string | undefined }

export interface SendCounts { sent: number; skipped: number; alreadySent: number; refused: number }
export interface Checkpoint {
  phase: 'segment' | 'manual' | 'done';
  cursor?: string;
  counts: SendCounts;
  /** How many recipients the send expects (the segment's count when it started, plus members by hand). */
  total: number;
  /** Continuation invocations asked for so far (names the next schedule). */
  part: number;
  startedAt: string;
  updatedAt: string;
}

export interface MemberOutcome {
  readonly object: MemberObject;
  readonly recordId: string;
  readonly name: string;
  readonly email?: string;
  readonly sendId: string;
  readonly outcome: SendOutcome['status'];
  readonly reason?: string;
  readonly messageId?: string;
  readonly at: string;
  readonly source: 'segment' | 'manual';
}

export interface RenderedMessage { subject: string; html: string; text: string; language: Language; subscriptionType: string }

export interface SendLoopDeps {
  /** Wall time (ISO stamps on the checkpoint and members). */
  readonly clock: () => Date;
  /** Milliseconds for the throttle and the time budget (monotonic). */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly ratePerSecond: number;
  readonly defaultLanguage: Language;
  /** At most this many sends in flight (still spaced by the rate). */
  readonly concurrency?: number;
  loadCheckpoint(): Promise<Checkpoint | undefined>;
  saveCheckpoint(c: Checkpoint): Promise<void>;
  /** The segment's size when the send starts. */
  segmentTotal(): Promise<number>;
  /** How many members were added by hand (they count in the total). */
  manualTotal(): Promise<number>;
  segmentPage(cursor: string | undefined): Promise<Page>;
  /** Members added by hand not mailed yet, a page at a time. */
  manualPage(cursor: string | undefined): Promise<Page>;
  render(recipient: Recipient, language: Language): RenderedMessage | Promise<RenderedMessage>;
  send(sendId: string, recipient: MarketingRecipient, message: MarketingMessage): Promise<SendOutcome>;
  saveMembers(members: readonly MemberOutcome[]): Promise<void>;
  /** Everyone was mailed or skipped: the campaign becomes `sent`. */
  finish(c: Checkpoint): Promise<void>;
  /** Ask for the next invocation (a one-time schedule `part`). */
  continueLater(part: number): Promise<void>;
}

export const sendIdOf = (campaignId: string, object: MemberObject, recordId: string) => `campaign:${campaignId}:${object}:${recordId}`;

/** `campaign:<campaignId>:<object>:<recordId>` → its parts, or undefined for another sender's id. */
export function parseSendId(sendId: string): { campaignId: string; object: MemberObject; recordId: string } | undefined {
  const m = /^campaign:([^:]+):(contacts|leads):([^:]+)$/.exec(sendId);
  return m ? { campaignId: m[1]!, object: m[2] as MemberObject, recordId: m[3]! } : undefined;
}

export const languageOf = (r: StoredRecord, fallback: Language): Language => (r.language === 'en' || r.language === 'zh-CN' ? r.language : fallback);

/** Spaces send starts 1000/rate ms apart (a token bucket of one): the tenant's SES sending rate. */
export class Throttle {
  private next = 0;
  constructor(private readonly ratePerSecond: number, private readonly now: () => number, private readonly sleep: (ms: number) => Promise<void>) {}
  async take(): Promise<void> {
    const interval = 1000 / Math.max(1, this.ratePerSecond);
    const t = this.now();
    const at = Math.max(this.next, t);
    this.next = at + interval;
    if (at > t) await this.sleep(at - t);
  }
}

export interface RunResult { readonly done: boolean; readonly checkpoint: Checkpoint }

export async function runSendLoop(
  campaign: { readonly id: string; readonly templateId: string },
  deps: SendLoopDeps,
  options: { readonly budgetMs?: number; readonly maxPages?: number } = {},
): Promise<RunResult> {
  const started = deps.now();
  const stamp = () => deps.clock().toISOString();
  let cp = await deps.loadCheckpoint();
  if (cp?.phase === 'done') return { done: true, checkpoint: cp };
  if (!cp) {
    const [segment, manual] = await Promise.all([deps.segmentTotal(), deps.manualTotal()]);
    cp = { phase: 'segment', counts: { sent: 0, skipped: 0, alreadySent: 0, refused: 0 }, total: segment + manual, part: 0, startedAt: stamp(), updatedAt: stamp() };
    await deps.saveCheckpoint(cp);
  }
  const throttle = new Throttle(deps.ratePerSecond, deps.now, deps.sleep);
  const source: MarketingSource = { kind: 'campaign', campaignId: campaign.id, templateId: campaign.templateId };
  const concurrency = Math.max(1, Math.min(deps.concurrency ?? 8, deps.ratePerSecond));
  let pages = 0;

  for (;;) {
    const at: Checkpoint = cp;
    const phase = at.phase as 'segment' | 'manual';
    const page: Page = phase === 'segment' ? await deps.segmentPage(at.cursor) : await deps.manualPage(at.cursor);
    const counts: SendCounts = { ...at.counts };
    const outcomes: MemberOutcome[] = new Array(page.items.length);
    let index = 0;
    const worker = async () => {
      for (let i = index++; i < page.items.length; i = index++) {
        const r = page.items[i]!;
        const sendId = sendIdOf(campaign.id, r.object, r.record.id);
        const language = languageOf(r.record, deps.defaultLanguage);
        const rendered = await deps.render(r, language);
        const message: MarketingMessage = { ...rendered };
        await throttle.take();
        const outcome = await deps.send(sendId, { object: r.object, record: r.record }, message);
        if (outcome.status === 'sent') counts.sent++;
        else if (outcome.status === 'skipped') counts.skipped++;
        else if (outcome.status === 'already-sent') counts.alreadySent++;
        else counts.refused++;
        outcomes[i] = {
          object: r.object, recordId: r.record.id, name: String(r.record.name ?? ''), sendId, outcome: outcome.status, at: stamp(), source: phase,
          ...(typeof r.record.email === 'string' ? { email: r.record.email } : {}),
          ...(outcome.status === 'skipped' || outcome.status === 'refused' ? { reason: outcome.reason } : {}),
          ...(outcome.status === 'sent' || (outcome.status === 'already-sent' && outcome.messageId) ? { messageId: outcome.messageId! } : {}),
        };
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, page.items.length) }, worker));
    if (outcomes.length) await deps.saveMembers(outcomes);
    cp = { ...cp, counts, updatedAt: stamp() };
    if (page.nextCursor) cp.cursor = page.nextCursor;
    else {
      delete cp.cursor;
      cp.phase = phase === 'segment' ? 'manual' : 'done';
    }
    pages++;
    if (cp.phase === 'done') {
      await deps.saveCheckpoint(cp);
      await deps.finish(cp);
      return { done: true, checkpoint: cp };
    }
    const outOfTime = options.budgetMs !== undefined && deps.now() - started > options.budgetMs;
    const outOfPages = options.maxPages !== undefined && pages >= options.maxPages;
    if (outOfTime || outOfPages) {
      cp.part++;
      await deps.saveCheckpoint(cp);
      await deps.continueLater(cp.part);
      return { done: false, checkpoint: cp };
    }
    await deps.saveCheckpoint(cp);
  }
}

/** Done so far: every recipient handed to the mail path (sent, skipped, already sent or refused). */
export const doneOf = (c: SendCounts) => c.sent + c.skipped + c.alreadySent + c.refused;
