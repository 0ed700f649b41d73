import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { appUrl } from '#commons/app-url.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { invalid, InvalidInput } from '#commons/errors.ts';
import { keys } from '#commons/keys.ts';
import { linkTokenHash, newLinkToken } from '#commons/link-tokens.ts';
import { logger } from '#commons/logger.ts';
import type { NpsRoundResult, NpsSettings } from '#schemas/nps.ts';
import { contactEntity } from '../contacts/entity.ts';
import { MailRefused, mailbox, sendMail } from '../notifications/mailer.ts';
import { npsMail, type Language } from '../notifications/templates.ts';
import { systemActor } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import type { StoredRecord } from '../records/entity.ts';
import { listRecords } from '../records/service.ts';
import { loadServiceDesk } from '../tickets/settings-store.ts';
import { DynamoViewStore } from '../views/store.ts';
import { NPS_SURVEY_DAYS, type NpsRoute } from './answer.ts';
import { roundIdAt } from './cadence.ts';
import { claimSurvey, lastSurveys, loadNpsSettings, loadRound, releaseSurvey, saveRound, type RoundCheckpoint } from './store.ts';

/**
 * One NPS round (SVC-5): the segment's contacts page by page through the record service (the view's filters,
 * as the `nps` system actor), each eligible one emailed the program's question with 11 links (0–10). Skipped:
 * contacts without an email, those surveyed within `quietDays` (by an earlier round), and those this round
 * mailed already. At most once: a claim per (round, contact) is written before SES is called, so a crash
 * mid-round, the schedule firing twice or an admin's send now the same day mails nobody twice. Resumable: the
 * round's cursor and counts are saved after each page, and a round that stopped (its time budget, a crash)
 * goes on from there when it runs again. A round is the tenant-local date it runs on.
 */
const PAGE = 100;

const zero = (): NpsRoundResult['skipped'] => ({ noEmail: 0, recent: 0, alreadySent: 0, refused: 0 });
const emailOf = (c: StoredRecord) => (typeof c.email === 'string' && c.email.includes('@') ? c.email : undefined);
const languageOf = (c: StoredRecord, fallback: Language): Language => (c.language === 'en' || c.language === 'zh-CN' ? c.language : fallback);

/** The view's filters as list parameters (`where[field][op]=value`). */
export function whereParams(where: Record<string, Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, ops] of Object.entries(where)) {
    for (const [op, raw] of Object.entries(ops)) out[`where[${field}][${op}]`] = Array.isArray(raw) ? raw.map(String).join(',') : String(raw);
  }
  return out;
}

export class NoSegment extends Error {}

export interface RoundOptions {
  /** Stop after the page that passes this many milliseconds (a send now answers within its request); the next run goes on. */
  readonly budgetMs?: number;
  /** The schedule's firing runs only an enabled program; an admin's send now runs it anyway. */
  readonly requireEnabled?: boolean;
  /** Go on with this round (a continuation after a time budget, which may run past the round's date). */
  readonly roundId?: string;
}

export async function runRound(tenantId: string, options: RoundOptions = {}): Promise<NpsRoundResult | 'disabled'> {
  const started = Date.now();
  const deps = recordDeps();
  const { settings } = await loadNpsSettings(tenantId);
  if (options.requireEnabled && !settings.enabled) return 'disabled';
  if (!settings.segmentViewId) throw new NoSegment('No segment is chosen for NPS.');
  const view = await new DynamoViewStore().get(tenantId, 'contacts', settings.segmentViewId);
  if (!view) throw new NoSegment('The NPS segment no longer exists.');

  const now = deps.clock();
  const roundId = options.roundId ?? roundIdAt(now, settings.timeZone);
  const previous = await loadRound(tenantId, roundId);
  if (options.roundId && previous?.status !== 'running') return { roundId, done: true, sent: 0, skipped: zero() };
  // A round that stopped goes on from its checkpoint; one that finished is run again from the start (it sends
  // only to contacts not mailed yet: new in the segment since, or refused by SES before).
  const resume = previous?.status === 'running' ? previous : undefined;
  const round: RoundCheckpoint = {
    roundId, status: 'running', sent: resume?.sent ?? 0, skipped: resume?.skipped ?? zero(),
    startedAt: resume?.startedAt ?? now.toISOString(), updatedAt: now.toISOString(), ...(resume?.cursor ? { cursor: resume.cursor } : {}),
  };
  const desk = await loadServiceDesk(tenantId);
  const address = desk.supportAddresses[0];
  const fallback: Language = address?.language ?? 'en';
  const senderName = address?.name || 'Support';
  const url = (await appUrl()).replace(/\/$/, '');
  const actor = systemActor(tenantId, 'nps', 'NPS');
  const filters = whereParams(view.where);

  for (;;) {
    let page;
    try {
      page = await listRecords(contactEntity, actor, { ...filters, limit: String(PAGE), ...(round.cursor ? { cursor: round.cursor } : {}) }, deps);
    } catch (error) {
      if (error instanceof InvalidInput) throw invalid([{ path: 'segmentViewId', message: 'The segment filters on fields that no longer exist', code: 'invalid_segment' }]);
      throw error;
    }
    const lasts = await lastSurveys(tenantId, page.items.map((c) => c.id));
    for (const contact of page.items) {
      const to = emailOf(contact);
      if (!to) { round.skipped.noEmail++; continue; }
      const last = lasts.get(contact.id);
      if (last && last.roundId !== roundId && deps.clock().getTime() - Date.parse(last.at) < settings.quietDays * 86400_000) { round.skipped.recent++; continue; }
      const outcome = await surveyOne(tenantId, roundId, contact, to, last, { settings, fallback, senderName, url, address: address && { name: address.name, address: address.address } });
      if (outcome === 'sent') round.sent++;
      else if (outcome === 'already-sent') round.skipped.alreadySent++;
      else round.skipped.refused++;
    }
    round.cursor = page.nextCursor ?? undefined;
    if (!round.cursor) delete round.cursor;
    round.status = round.cursor ? 'running' : 'done';
    round.updatedAt = deps.clock().toISOString();
    await saveRound(tenantId, round);
    if (!round.cursor) break;
    if (options.budgetMs !== undefined && Date.now() - started > options.budgetMs) break;
  }
  return { roundId, done: round.status === 'done', sent: round.sent, skipped: round.skipped };
}

interface Context {
  settings: NpsSettings;
  fallback: Language;
  senderName: string;
  url: string;
  address?: { name: string; address: string } | undefined;
}

async function surveyOne(tenantId: string, roundId: string, contact: StoredRecord, to: string, last: { at: string; roundId: string } | undefined, ctx: Context): Promise<'sent' | 'already-sent' | 'refused'> {
  const deps = recordDeps();
  const now = deps.clock();
  if (!(await claimSurvey(tenantId, roundId, contact.id, now.toISOString()))) return 'already-sent';
  const language = languageOf(contact, ctx.fallback);
  const token = newLinkToken();
  const route: NpsRoute & { pk: string; sk: string; entityType: string } = {
    pk: keys.route('survey', linkTokenHash(token)), sk: keys.routeSk, entityType: 'route',
    kind: 'nps', tenantId, contactId: contact.id, roundId, language, question: ctx.settings.question, senderName: ctx.senderName,
    expiresAt: Math.floor(now.getTime() / 1000) + NPS_SURVEY_DAYS * 86400,
  };
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: route }));
  const mail = npsMail({ question: ctx.settings.question[language], link: `${ctx.url}/survey/${token}`, senderName: ctx.senderName }, language);
  try {
    await sendMail(to, mail, [], {
      ...(ctx.address ? { from: mailbox(ctx.address.name, ctx.address.address) } : {}),
      headers: [{ Name: 'Auto-Submitted', Value: 'auto-generated' }],
    });
  } catch (error) {
    // Refused: nothing was sent, so the claim goes (the next run of the round sends it). Anything else leaves
    // it unknown whether SES sent it: the claim stays (at most once) and the round stops here, to go on later.
    if (error instanceof MailRefused) {
      await logger.warn('NPS survey mail refused', { tenantId, contactId: contact.id, reason: error.reason });
      await releaseSurvey(tenantId, roundId, contact.id, last);
      return 'refused';
    }
    throw error;
  }
  return 'sent';
}
