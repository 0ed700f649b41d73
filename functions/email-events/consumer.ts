import type { EventBridgeEvent } from 'aws-lambda';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { worseDeliverability, OVERALL } from '../consent/consent.ts';
import { commitPersonChange, ConsentVersionConflict, domainEvent, eventPut, SideConditionFailed, type TransactItem } from '../consent/store.ts';
import { getSendRecord, sendKey, type MarketingSend } from '../marketing-mail/store.ts';
import { systemActor } from '../policy/policy.ts';
import { recordDeps } from '../records/deps.ts';
import { readSesEvent, transition, type SesEvent } from './interpret.ts';

/**
 * The `email-events` rule's consumer (issue 10): SES's events of a marketing email (forwarded from the default
 * bus) change its send record and are published as `email.*` events about the contact or lead, in ONE transaction
 * with a marker of the SES event (`ses#<type>#<key>` in the send's partition): a redelivered event changes
 * nothing. A hard bounce puts the address on the tenant's suppression list and marks the person `bounced`; a
 * complaint `complained` and unsubscribed (consent.changed), in the same transaction. Emails without Cirrus's
 * tags (support replies, NPS) are not marketing sends and are left alone.
 */
const MAX_ATTEMPTS = 5;

export async function takeSesEvent(e: SesEvent): Promise<'taken' | 'duplicate' | 'ignored'> {
  if (!e.tenantId || !e.sendId) return 'ignored';
  const deps = recordDeps();
  for (let attempt = 0; ; attempt++) {
    const send = await getSendRecord(e.tenantId, e.sendId);
    if (!send) return 'ignored';
    const t = transition(send, e);
    const now = deps.clock();
    const actor = systemActor(e.tenantId, 'mail', 'Amazon SES', 'system:ses');
    const subject = { type: send.personType, id: send.recordId };
    const events = t.events.map((x) => domainEvent(x.name, e.tenantId!, actor, now, deps.newId(now), subject, x.data));
    const side: TransactItem[] = [sendUpdate(send, t.set, now.toISOString()), marker(e, now)];
    if (t.suppress && (send.address ?? e.address)) {
      side.push({ Put: { TableName: tableName(), Item: {
        pk: keys.suppression(e.tenantId), sk: keys.suppressionSk(send.address ?? e.address), entityType: 'suppression',
        address: keys.suppressionSk(send.address ?? e.address), reason: t.suppress, at: e.at, sendId: send.sendId, messageId: e.messageId,
        ...(e.bounceSubType ? { bounceSubType: e.bounceSubType } : {}),
      } } });
    }
    try {
      const person = t.deliverability || t.unsubscribe ? await deps.store.get(e.tenantId, send.personType, send.recordId) : undefined;
      if (person && !person.deletedAt) {
        await commitPersonChange({
          tenantId: e.tenantId, type: send.personType, record: person, actor, at: now, newId: deps.newId,
          ...(t.deliverability ? { deliverability: worseDeliverability(person.emailDeliverability as never, t.deliverability) } : {}),
          ...(t.unsubscribe ? { consent: { changes: [{ subscriptionType: OVERALL, status: 'unsubscribed' }], source: 'complaint' } } : {}),
          sideItems: side, sideEvents: events,
        });
      } else {
        await documentClient.send(new TransactWriteCommand({ TransactItems: [...side, ...events.map(eventPut)] }));
      }
      return 'taken';
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? error.CancellationReasons ?? [] : [];
      // The marker is there: this event was taken in before (EventBridge delivers at least once).
      if (error instanceof SideConditionFailed && error.index === 1) return 'duplicate';
      if (!(error instanceof SideConditionFailed) && reasons[1]?.Code === 'ConditionalCheckFailed') return 'duplicate';
      const retry = error instanceof ConsentVersionConflict || error instanceof SideConditionFailed || reasons[0]?.Code === 'ConditionalCheckFailed';
      if (retry && attempt < MAX_ATTEMPTS) continue;
      throw error;
    }
  }
}

/** The send record's change, conditioned on the revision read (two events of one send at once: one goes again). */
function sendUpdate(send: MarketingSend & { rev?: number }, set: Partial<MarketingSend>, at: string): TransactItem {
  const names: Record<string, string> = { '#rev': 'rev' };
  const values: Record<string, unknown> = { ':next': (send.rev ?? 0) + 1, ':at': at };
  const sets = ['#rev = :next', 'updatedAt = :at'];
  Object.entries(set).forEach(([k, v], i) => {
    names[`#f${i}`] = k;
    values[`:v${i}`] = v;
    sets.push(`#f${i} = :v${i}`);
  });
  if (send.rev === undefined) values[':zero'] = 0;
  else values[':rev'] = send.rev;
  return { Update: {
    TableName: tableName(), Key: sendKey(send.tenantId, send.sendId), UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: send.rev === undefined ? 'attribute_exists(pk) AND attribute_not_exists(#rev)' : '#rev = :rev',
    ExpressionAttributeNames: names, ExpressionAttributeValues: Object.fromEntries(Object.entries(values).filter(([k]) => k !== ':zero')),
  } };
}

const marker = (e: SesEvent, now: Date): TransactItem => ({ Put: {
  TableName: tableName(),
  Item: { ...sendKey(e.tenantId!, e.sendId!), sk: keys.sesEventSk(e.type, e.key), entityType: 'ses-event', messageId: e.messageId, at: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + 30 * 86400 },
  ConditionExpression: 'attribute_not_exists(pk)',
} });

async function onSesEvent(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const e = readSesEvent(event.detail, event.id);
  if (!e) {
    await logger.warn('SES event not understood', { detailType: event['detail-type'], id: event.id });
    return;
  }
  const result = await takeSesEvent(e);
  await logger.info('SES event taken in', { type: e.type, messageId: e.messageId, sendId: e.sendId, result });
}

export const handler = withObservability(onSesEvent);
