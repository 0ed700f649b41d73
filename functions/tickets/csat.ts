import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { appUrl } from '#commons/app-url.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { conflict, notFound, StaleVersion } from '#commons/errors.ts';
import { httpHandler, json } from '#commons/http.ts';
import { keys } from '#commons/keys.ts';
import { LINK_TOKEN, linkTokenHash as hash, newLinkToken } from '#commons/link-tokens.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { parseEvent } from '#contracts/events.ts';
import { MailRefused, mailbox, sendMail } from '../notifications/mailer.ts';
import { csatMail, type Language } from '../notifications/templates.ts';
import { systemActor } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { commitChange, parse } from '../records/service.ts';
import { ticketEntityWith } from './entity.ts';
import { LOOP_HEADER } from './inbound-mail.ts';
import { replyAddress, supportAddressFor } from './reply-mail.ts';
import { claimMail, releaseMail } from './mail-claims.ts';
import { loadServiceDesk } from './settings-store.ts';

/**
 * CSAT (SVC-5): when a ticket is solved its requester gets one question by email — how satisfied, 1 to 5 —
 * with a link per answer to a page (no sign-in) where they confirm it and may add a comment. The link's token is
 * random (32 bytes), stored only as its hash (`R#survey#<sha256>`), expires after SURVEY_DAYS and takes one
 * answer: opening the page (a GET, as link scanners do) changes nothing; the POST records the answer once
 * (a conditional write), on the ticket (`csat`, its timeline, the day's aggregates) as the `survey` system actor.
 * One survey per solve: a claim `csat#<ticketId>#<solvedAt>` is written before SES is called.
 * The survey routes (functions/surveys/handlers.ts) serve NPS links too (`kind: 'nps'` on the route item).
 */
export const SURVEY_DAYS = 14;

export interface SurveyRoute { kind?: 'csat'; tenantId: string; ticketId: string; expiresAt: number; answeredAt?: string; score?: number; number: string; subject: string; language: Language }

/** Sends the survey of this solve, once; what happened. */
export async function sendSurvey(tenantId: string, ticketId: string): Promise<'sent' | 'already-sent' | 'not-solved' | 'no-recipient'> {
  const deps = recordDeps();
  const [settings, ticket] = await Promise.all([loadServiceDesk(tenantId), deps.store.get(tenantId, 'ticket', ticketId)]);
  if (!ticket || ticket.deletedAt || ticket.status !== 'solved' || typeof ticket.solvedAt !== 'string') return 'not-solved';
  const to = typeof ticket.requesterEmail === 'string' ? ticket.requesterEmail : undefined;
  if (!to) return 'no-recipient';
  if (!(await claimMail(tenantId, keys.surveySendSk(ticketId, ticket.solvedAt), { entityType: 'survey-send', at: deps.clock().toISOString() }))) return 'already-sent';
  const address = supportAddressFor(settings, ticket);
  const language: Language = address?.language ?? 'en';
  const token = newLinkToken();
  const now = deps.clock();
  await documentClient.send(new PutCommand({
    TableName: tableName(),
    Item: {
      pk: keys.route('survey', hash(token)), sk: keys.routeSk, entityType: 'route', tenantId, ticketId,
      number: String(ticket.number), subject: ticket.name, language, expiresAt: Math.floor(now.getTime() / 1000) + SURVEY_DAYS * 86400,
    },
  }));
  const link = `${(await appUrl()).replace(/\/$/, '')}/survey/${token}`;
  const mail = csatMail({ number: String(ticket.number), subject: ticket.name, link, supportName: address?.name ?? 'Support' }, language);
  try {
    await sendMail(to, mail, [], {
      ...(address ? { from: mailbox(address.name, address.address), replyTo: replyAddress(address.address, String(ticket.number)) } : {}),
      // Our own mail: an out-of-office answer to it must not reopen the ticket.
      headers: [{ Name: LOOP_HEADER, Value: `ticket=${ticket.id}` }, { Name: 'Auto-Submitted', Value: 'auto-generated' }],
    });
  } catch (error) {
    // Refused: nothing was sent, so the claim goes and the event's retry sends it (as replies do).
    if (error instanceof MailRefused) {
      await logger.warn('survey mail refused', { tenantId, ticketId, reason: error.reason });
      await releaseMail(tenantId, keys.surveySendSk(ticketId, ticket.solvedAt));
    }
    throw error;
  }
  return 'sent';
}

const state = (s: SurveyRoute, nowMs: number) => (s.answeredAt ? 'answered' : nowMs / 1000 > s.expiresAt ? 'expired' : 'open');

/** What the survey page shows of a CSAT link (GET: changes nothing); functions/surveys/handlers.ts serves it. */
export function csatSurveyView(s: SurveyRoute, nowMs: number) {
  return { kind: 'csat' as const, number: s.number, subject: s.subject, language: s.language, state: state(s, nowMs), ...(s.score ? { score: s.score } : {}) };
}

const answer = z.strictObject({ score: z.int().check(z.gte(1), z.lte(5)), comment: z.optional(z.string().check(z.trim(), z.maxLength(2000))) });

/** The answer of a CSAT link `{"score":1–5,"comment"}` (its route's hash): recorded once; again → 409, expired → 410. */
export async function answerCsat(routeHash: string, s: SurveyRoute, body: unknown) {
  const input = parse(answer, body);
  const deps = recordDeps();
  const now = deps.clock();
  const st = state(s, now.getTime());
  if (st === 'answered') throw conflict('This survey was answered already.', { state: 'answered' });
  if (st === 'expired') return json(410, { type: 'about:blank', title: 'Gone', status: 410, detail: 'This survey link has expired.', state: 'expired' }, { 'content-type': 'application/problem+json' });
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: { pk: keys.route('survey', routeHash), sk: keys.routeSk },
      UpdateExpression: 'SET answeredAt = :at, score = :s', ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(answeredAt)',
      ExpressionAttributeValues: { ':at': now.toISOString(), ':s': input.score },
    }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw conflict('This survey was answered already.', { state: 'answered' });
    throw error;
  }
  await recordOnTicket(s.tenantId, s.ticketId, { score: input.score, ...(input.comment ? { comment: input.comment } : {}), at: now.toISOString() });
  return json(200, { state: 'answered', score: input.score });
}

async function recordOnTicket(tenantId: string, ticketId: string, csat: { score: number; comment?: string; at: string }, attempt = 0): Promise<void> {
  const deps = recordDeps();
  const ticket = await deps.store.get(tenantId, 'ticket', ticketId);
  if (!ticket || ticket.deletedAt) return;
  try {
    await commitChange(ticketEntityWith(await loadServiceDesk(tenantId)), systemActor(tenantId, 'survey', 'Survey'), ticket, { ...ticket, csat }, deps, {
      verb: 'rated', timelineType: 'csat', timelineData: { score: csat.score, ...(csat.comment ? { comment: csat.comment } : {}) }, force: true,
    });
  } catch (error) {
    if (error instanceof StaleVersion && attempt < 3) return recordOnTicket(tenantId, ticketId, csat, attempt + 1);
    throw error;
  }
}

async function onSolved(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const d = parseEvent(event.detail, ['ticket.updated', 'ticket.replied'] as const);
  if ((d.data as { status?: unknown }).status !== 'solved') return;
  const result = await sendSurvey(d.tenantId, d.subject.id);
  await logger.info('CSAT survey', { ticketId: d.subject.id, result });
}

/** The Lambda handler of the `ticket-csat` rule. */
export const handler = withObservability(onSolved);
