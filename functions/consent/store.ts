import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { correlationId } from '#commons/observability.ts';
import { assertCatalogued, currentVersion } from '#contracts/events.ts';
import type { Deliverability } from '#schemas/marketing/person.ts';
import type { Actor } from '../policy/policy.ts';
import type { StoredRecord } from '../records/entity.ts';
import { auditCodec, outboxEventCodec, timelineCodec } from '../records/storage/codecs.ts';
import type { DomainEvent } from '../records/store.ts';
import { applyConsentChanges, type ConsentChange, type EmailConsent } from './consent.ts';

/**
 * Writes a consent or deliverability change of a contact or lead (issue 10) in ONE transaction: the record
 * (version-checked, version + 1), its audit entry and timeline entry, one `consent.changed` event per type that
 * changed, and the caller's side items (a suppression entry, an SES event's marker, its own events). These
 * fields are system-set, so the change goes around the record kernel's PATCH (which refuses them) but keeps its
 * rules: audit, timeline, outbox, If-Match.
 */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
export type PersonType = 'contact' | 'lead';

export class ConsentVersionConflict extends Error {}
/** One of the side items' conditions failed (e.g. the SES event was taken in already). */
export class SideConditionFailed extends Error {
  constructor(readonly index: number) { super('side condition failed'); }
}

export interface PersonChange {
  readonly tenantId: string;
  readonly type: PersonType;
  readonly record: StoredRecord;
  readonly actor: Actor;
  readonly at: Date;
  readonly newId: (now: Date) => string;
  readonly consent?: { readonly changes: readonly ConsentChange[]; readonly source: string; readonly note?: string };
  readonly deliverability?: Deliverability;
  readonly sideItems?: readonly TransactItem[];
  readonly sideEvents?: readonly DomainEvent[];
}

export function domainEvent(name: string, tenantId: string, actor: Actor, at: Date, id: string, subject: { type: string; id: string }, data: Record<string, unknown>): DomainEvent {
  const cid = correlationId();
  assertCatalogued(name);
  return {
    eventId: id, name, version: currentVersion(name), tenantId, occurredAt: at.toISOString(),
    actor: { id: actor.userId, name: actor.name, ...(actor.kind === 'system' ? { kind: 'system' as const } : {}) },
    subject, ...(cid ? { correlationId: cid } : {}), data,
  };
}

export const eventPut = (e: DomainEvent): TransactItem => ({ Put: { TableName: tableName(), Item: outboxEventCodec.encode(e), ConditionExpression: 'attribute_not_exists(pk)' } });

/** The record after the change (or as it was, when nothing of it changed: only side items were written). */
export async function commitPersonChange(change: PersonChange): Promise<{ record: StoredRecord; changed: ConsentChange[] }> {
  const { tenantId, type, record, actor, at } = change;
  const iso = at.toISOString();
  const current = record.emailConsent as EmailConsent | undefined;
  const { next, changed } = change.consent ? applyConsentChanges(current, change.consent.changes, iso, change.consent.source) : { next: current, changed: [] };
  const deliverabilityChanged = change.deliverability !== undefined && change.deliverability !== record.emailDeliverability;
  const items: TransactItem[] = [];
  let updated = record;
  if (changed.length || deliverabilityChanged) {
    const fields: string[] = [];
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    if (changed.length) { fields.push('emailConsent'); before.emailConsent = current ?? null; after.emailConsent = next; }
    if (deliverabilityChanged) { fields.push('emailDeliverability'); before.emailDeliverability = record.emailDeliverability ?? null; after.emailDeliverability = change.deliverability; }
    updated = {
      ...record, ...(changed.length ? { emailConsent: next } : {}), ...(deliverabilityChanged ? { emailDeliverability: change.deliverability } : {}),
      version: record.version + 1, updatedAt: iso, updatedBy: actor.userId,
    } as StoredRecord;
    const values: Record<string, unknown> = { ':v': record.version, ':nv': record.version + 1, ':at': iso, ':by': actor.userId };
    const sets = ['version = :nv', 'updatedAt = :at', 'updatedBy = :by'];
    if (changed.length) { sets.push('emailConsent = :c'); values[':c'] = next; }
    if (deliverabilityChanged) { sets.push('emailDeliverability = :d'); values[':d'] = change.deliverability; }
    items.push({
      Update: {
        TableName: tableName(), Key: { pk: keys.record(tenantId, type, record.id), sk: keys.recordSk },
        UpdateExpression: `SET ${sets.join(', ')}`, ConditionExpression: 'version = :v AND attribute_not_exists(deletedAt)', ExpressionAttributeValues: values,
      },
    });
    items.push({ Put: { TableName: tableName(), Item: auditCodec.encode({
      id: change.newId(at), at: iso, action: 'update', actor: { id: actor.userId, name: actor.name, email: actor.kind === 'system' ? '' : actor.email },
      recordType: type, recordId: record.id, before, after,
    }, { tenantId }) } });
    items.push({ Put: { TableName: tableName(), Item: timelineCodec.encode({
      id: change.newId(at), at: iso, type: changed.length ? 'consent-changed' : 'deliverability-changed',
      actor: { id: actor.userId, name: actor.name }, changes: fields,
      ...(changed.length ? { consent: changed, source: change.consent!.source, ...(change.consent!.note ? { notes: change.consent!.note } : {}) } : {}),
      ...(deliverabilityChanged ? { deliverability: change.deliverability } : {}),
    } as never, { tenantId, type, id: record.id }) } });
    for (const c of changed) {
      items.push(eventPut(domainEvent('consent.changed', tenantId, actor, at, change.newId(at), { type, id: record.id }, {
        subscriptionType: c.subscriptionType, status: c.status, source: change.consent!.source, at: iso,
      })));
    }
  }
  const sideStart = items.length;
  items.push(...(change.sideItems ?? []), ...(change.sideEvents ?? []).map(eventPut));
  if (!items.length) return { record, changed };
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      if (sideStart > 0 && reasons[0]?.Code === 'ConditionalCheckFailed') throw new ConsentVersionConflict();
      const side = reasons.findIndex((r, i) => i >= sideStart && r.Code === 'ConditionalCheckFailed');
      if (side >= 0) throw new SideConditionFailed(side - sideStart);
    }
    throw error;
  }
  return { record: updated, changed };
}
