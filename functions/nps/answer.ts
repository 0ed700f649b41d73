import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Temporal } from 'temporal-polyfill';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { conflict, StaleVersion } from '#commons/errors.ts';
import { json } from '#commons/http.ts';
import { keys } from '#commons/keys.ts';
import { npsAnswer, npsCategory, type ContactNps } from '#schemas/nps.ts';
import { contactEntity } from '../contacts/entity.ts';
import type { Language } from '../notifications/templates.ts';
import { systemActor } from '../policy/policy.ts';
import type { EntityDefinition } from '../records/entity.ts';
import { recordDeps } from '../records/deps.ts';
import { commitChange, parse } from '../records/service.ts';
import type { AggregateDelta } from '../records/store.ts';
import { loadServiceDesk } from '../tickets/settings-store.ts';

/**
 * An NPS survey link and its answer (SVC-5). The link is a survey route like CSAT's (`R#survey#<sha256 of the
 * token>`, functions/surveys/handlers.ts serves `/api/surveys/{token}` for both) with `kind: 'nps'`. The answer is
 * taken once: the route's conditional write (`answeredAt`) first, then the contact's `nps` (score, category,
 * when) as the `nps` system actor, with a timeline entry and, in the same transaction, the day's NPS figures in
 * the service aggregates; then `recordedAt`. A crash between the two is mended by the next POST of the link
 * (the contact's write is idempotent on the response id), which still answers 409.
 */
export const NPS_SURVEY_DAYS = 30;
export const SERVICE_AGGREGATES = 'service';

export interface NpsRoute {
  kind: 'nps';
  tenantId: string;
  contactId: string;
  roundId: string;
  language: Language;
  question: { en: string; 'zh-CN': string };
  senderName: string;
  expiresAt: number;
  answeredAt?: string;
  score?: number;
  comment?: string;
  recordedAt?: string;
}

export const isNpsRoute = (r: object): r is NpsRoute => (r as { kind?: unknown }).kind === 'nps';

const stateOf = (s: NpsRoute, nowMs: number) => (s.answeredAt ? 'answered' : nowMs / 1000 > s.expiresAt ? 'expired' : 'open');

/** What the survey page shows of an NPS link (GET: changes nothing). */
export function npsSurveyView(s: NpsRoute, nowMs: number) {
  return {
    kind: 'nps' as const, language: s.language, question: s.question, senderName: s.senderName, state: stateOf(s, nowMs),
    ...(s.score !== undefined ? { score: s.score } : {}),
  };
}

/** The day's NPS figures one answer adds: a response and its band. */
export function npsFigures(score: number): Record<string, number> {
  const c = npsCategory(score);
  return { npsResponses: 1, npsPromoters: c === 'promoter' ? 1 : 0, npsPassives: c === 'passive' ? 1 : 0, npsDetractors: c === 'detractor' ? 1 : 0 };
}

/**
 * The contact entity as the NPS answer writes it: a new `nps` on the contact adds one response to the day it
 * was given (tenant-local, in the service desk's time zone, as the dashboard reads). Only a new answer adds:
 * a contact's later answer replaces their latest NPS but not the earlier one's place in the figures.
 */
export function npsContactEntity(timeZone: string): EntityDefinition {
  return {
    ...contactEntity,
    aggregates(before, after) {
      const base = contactEntity.aggregates?.(before, after) ?? [];
      const now = after?.nps as ContactNps | undefined;
      const was = before?.nps as ContactNps | undefined;
      if (!now || now.responseId === was?.responseId) return base;
      const day = Temporal.Instant.from(now.at).toZonedDateTimeISO(timeZone).toPlainDate().toString();
      const delta: AggregateDelta = { scope: SERVICE_AGGREGATES, key: `day#${day}`, add: npsFigures(now.score), set: {} };
      return [...base, delta];
    },
  };
}

/** Writes the answer on the contact (once per response id); 'gone' when the contact was deleted. */
export async function recordOnContact(tenantId: string, contactId: string, nps: ContactNps, attempt = 0): Promise<'recorded' | 'already' | 'gone'> {
  const deps = recordDeps();
  const contact = await deps.store.get(tenantId, 'contact', contactId);
  if (!contact || contact.deletedAt) return 'gone';
  if ((contact.nps as ContactNps | undefined)?.responseId === nps.responseId) return 'already';
  const desk = await loadServiceDesk(tenantId);
  try {
    await commitChange(npsContactEntity(desk.calendars[0]?.timeZone ?? 'UTC'), systemActor(tenantId, 'nps', 'NPS'), contact, { ...contact, nps }, deps, {
      timelineType: 'nps', timelineData: { score: nps.score, category: nps.category, ...(nps.comment ? { comment: nps.comment } : {}) }, force: true,
    });
  } catch (error) {
    if (error instanceof StaleVersion && attempt < 3) return recordOnContact(tenantId, contactId, nps, attempt + 1);
    throw error;
  }
  return 'recorded';
}

const contactNpsOf = (s: NpsRoute, hash: string): ContactNps => ({
  score: s.score!, category: npsCategory(s.score!), at: s.answeredAt!, roundId: s.roundId, responseId: hash.slice(0, 24), ...(s.comment ? { comment: s.comment } : {}),
});

async function markRecorded(hash: string, at: string): Promise<void> {
  await documentClient.send(new UpdateCommand({
    TableName: tableName(), Key: { pk: keys.route('survey', hash), sk: keys.routeSk }, UpdateExpression: 'SET recordedAt = :at', ExpressionAttributeValues: { ':at': at },
  }));
}

/** POST /api/surveys/{token} of an NPS link `{"score":0–10,"comment"}`: recorded once; again → 409, expired → 410. */
export async function answerNps(hash: string, s: NpsRoute, body: unknown) {
  const input = parse(npsAnswer, body);
  const now = recordDeps().clock();
  const st = stateOf(s, now.getTime());
  if (st === 'answered') {
    // An answer taken but not yet on the contact (the writer died in between): put it there now.
    if (!s.recordedAt && s.score !== undefined && s.answeredAt) {
      await recordOnContact(s.tenantId, s.contactId, contactNpsOf(s, hash));
      await markRecorded(hash, now.toISOString());
    }
    throw conflict('This survey was answered already.', { state: 'answered' });
  }
  if (st === 'expired') return json(410, { type: 'about:blank', title: 'Gone', status: 410, detail: 'This survey link has expired.', state: 'expired' }, { 'content-type': 'application/problem+json' });
  const at = now.toISOString();
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: { pk: keys.route('survey', hash), sk: keys.routeSk },
      UpdateExpression: `SET answeredAt = :at, score = :s${input.comment ? ', #c = :c' : ''}`,
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(answeredAt)',
      ...(input.comment ? { ExpressionAttributeNames: { '#c': 'comment' } } : {}),
      ExpressionAttributeValues: { ':at': at, ':s': input.score, ...(input.comment ? { ':c': input.comment } : {}) },
    }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw conflict('This survey was answered already.', { state: 'answered' });
    throw error;
  }
  const answered: NpsRoute = { ...s, answeredAt: at, score: input.score, ...(input.comment ? { comment: input.comment } : {}) };
  await recordOnContact(s.tenantId, s.contactId, contactNpsOf(answered, hash));
  await markRecorded(hash, at);
  return json(200, { state: 'answered', score: input.score, category: npsCategory(input.score) });
}
