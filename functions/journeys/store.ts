import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import type { JourneyInput, JourneyStatus } from '#schemas/marketing/journey.ts';
import { outboxEventCodec } from '../records/storage/codecs.ts';
import type { DomainEvent } from '../records/store.ts';
import type { JourneyDefinition, Run } from './engine.ts';

/**
 * The journeys' items (docs/marketing/journeys.md, "Data model"; keys in functions/commons/keys-journeys.ts):
 * the journey with its counters, its immutable versions and audit entries, the trigger index of active
 * journeys, and each person's run with the events that entered them. A run's change, its counters and its
 * journey events are one transaction, conditioned on the run's `rev`.
 */
type Item = Record<string, unknown>;
export interface StoredJourney extends JourneyInput {
  id: string;
  status: JourneyStatus;
  version: number;
  liveVersion?: number;
  createdAt: string; createdBy: string; updatedAt: string; updatedBy: string;
  /** Counters: `entered`, `active`, `exited`, `completed`, `<stepId>.here|waiting|exited|done`. */
  counters: Record<string, number>;
}
export interface StoredRun extends Run { rev: number }

export class JourneyChanged extends Error {}
export class RunChanged extends Error {}
export class AlreadyEntered extends Error {}

const COUNTER = 'c:';
const DEFINITION_FIELDS = ['name', 'description', 'trigger', 'steps', 'reentry', 'exits', 'timeZone'] as const;

function journeyOf(item: Item): StoredJourney {
  const counters: Record<string, number> = {};
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) {
    if (k.startsWith(COUNTER)) counters[k.slice(COUNTER.length)] = Number(v);
    else if (!['pk', 'sk', 'entityType'].includes(k)) out[k] = v;
  }
  return { ...(out as unknown as StoredJourney), counters };
}
const definitionOf = (j: JourneyInput): Item => Object.fromEntries(DEFINITION_FIELDS.filter((f) => j[f] !== undefined).map((f) => [f, j[f]]));

export async function getJourney(tenantId: string, id: string, consistent = false): Promise<StoredJourney | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.journeys(tenantId), sk: keys.journeySk(id) }, ConsistentRead: consistent }));
  return Item ? journeyOf(Item) : undefined;
}

export async function listJourneys(tenantId: string): Promise<StoredJourney[]> {
  const out: StoredJourney[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await documentClient.send(new QueryCommand({
      TableName: tableName(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': keys.journeys(tenantId), ':p': keys.journeyPrefix }, ExclusiveStartKey: start,
    }));
    out.push(...(res.Items ?? []).map(journeyOf));
    start = res.LastEvaluatedKey;
  } while (start && out.length < 500);
  return out;
}

const versionCache = new Map<string, JourneyDefinition & { timeZone?: string }>();
/** A saved version's steps (immutable: cached per container). */
export async function getVersion(tenantId: string, id: string, version: number): Promise<(JourneyDefinition & { timeZone?: string }) | undefined> {
  const key = `${tenantId}|${id}|${version}`;
  const hit = versionCache.get(key);
  if (hit) return hit;
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.journey(tenantId, id), sk: keys.journeyVersionSk(version) } }));
  if (!Item) return undefined;
  const def = { steps: Item.steps, reentry: Item.reentry, exits: Item.exits, timeZone: Item.timeZone } as JourneyDefinition & { timeZone?: string };
  versionCache.set(key, def);
  return def;
}

interface AuditFacts { action: 'create' | 'update' | 'activate' | 'pause'; by: { id: string; name: string }; at: string; auditId: string; version: number }
const auditPut = (tenantId: string, id: string, a: AuditFacts) => ({
  Put: { TableName: tableName(), Item: { pk: keys.journey(tenantId, id), sk: keys.journeyAuditSk(a.at, a.auditId), entityType: 'journey-audit', action: a.action, actor: a.by, at: a.at, version: a.version } },
});
const versionPut = (tenantId: string, id: string, version: number, input: JourneyInput, at: string, by: string) => ({
  Put: {
    TableName: tableName(), Item: { pk: keys.journey(tenantId, id), sk: keys.journeyVersionSk(version), entityType: 'journey-version', version, savedAt: at, savedBy: by, ...definitionOf(input) },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});
const triggerPut = (tenantId: string, id: string, input: JourneyInput, liveVersion: number) => ({
  Put: { TableName: tableName(), Item: { pk: keys.journeyTriggers(tenantId), sk: keys.journeyTriggerSk(input.trigger.event, id), entityType: 'journey-trigger', journeyId: id, trigger: input.trigger, liveVersion } },
});
const triggerDelete = (tenantId: string, id: string, event: string) => ({
  Delete: { TableName: tableName(), Key: { pk: keys.journeyTriggers(tenantId), sk: keys.journeyTriggerSk(event, id) } },
});

async function transact(items: NonNullable<TransactWriteCommandInput['TransactItems']>, onConflict: () => Error): Promise<void> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) throw onConflict();
    if (error instanceof ConditionalCheckFailedException) throw onConflict();
    throw error;
  }
}

export async function createJourney(tenantId: string, id: string, input: JourneyInput, by: { id: string; name: string }, at: string, auditId: string): Promise<StoredJourney> {
  const journey: StoredJourney = { ...input, id, status: 'draft', version: 1, createdAt: at, createdBy: by.id, updatedAt: at, updatedBy: by.id, counters: {} };
  await transact([
    { Put: { TableName: tableName(), Item: { pk: keys.journeys(tenantId), sk: keys.journeySk(id), entityType: 'journey', ...definitionOf(input), id, status: 'draft', version: 1, createdAt: at, createdBy: by.id, updatedAt: at, updatedBy: by.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
    versionPut(tenantId, id, 1, input, at, by.id),
    auditPut(tenantId, id, { action: 'create', by, at, auditId, version: 1 }),
  ], () => new JourneyChanged());
  return journey;
}

/**
 * Saves the definition as version `current.version + 1` (only if still `current.version`): a new version item,
 * and when the journey is active its trigger moves to it (people entering from now get it; those inside
 * finish on theirs).
 */
export async function saveJourney(tenantId: string, current: StoredJourney, input: JourneyInput, by: { id: string; name: string }, at: string, auditId: string): Promise<StoredJourney> {
  const version = current.version + 1;
  const def = definitionOf(input);
  const removed = DEFINITION_FIELDS.filter((f) => input[f] === undefined);
  const names: Record<string, string> = { '#v': 'version', '#u': 'updatedAt', '#b': 'updatedBy' };
  const values: Record<string, unknown> = { ':v': version, ':prev': current.version, ':u': at, ':b': by.id };
  const sets = ['#v = :v', '#u = :u', '#b = :b'];
  Object.entries(def).forEach(([k, v], i) => { names[`#d${i}`] = k; values[`:d${i}`] = v; sets.push(`#d${i} = :d${i}`); });
  removed.forEach((k, i) => { names[`#r${i}`] = k; });
  const live = current.status === 'active';
  if (live) { names['#l'] = 'liveVersion'; values[':l'] = version; sets.push('#l = :l'); }
  await transact([
    {
      Update: {
        TableName: tableName(), Key: { pk: keys.journeys(tenantId), sk: keys.journeySk(current.id) },
        UpdateExpression: `SET ${sets.join(', ')}${removed.length ? ` REMOVE ${removed.map((_, i) => `#r${i}`).join(', ')}` : ''}`,
        ConditionExpression: '#v = :prev', ExpressionAttributeNames: names, ExpressionAttributeValues: values,
      },
    },
    versionPut(tenantId, current.id, version, input, at, by.id),
    auditPut(tenantId, current.id, { action: 'update', by, at, auditId, version }),
    ...(live && current.trigger.event !== input.trigger.event ? [triggerDelete(tenantId, current.id, current.trigger.event)] : []),
    ...(live ? [triggerPut(tenantId, current.id, input, version)] : []),
  ], () => new JourneyChanged());
  return { ...current, ...input, version, updatedAt: at, updatedBy: by.id, ...(live ? { liveVersion: version } : {}) };
}

/** Activates (people enter on the newest version) or pauses (nobody enters; people inside go on) the journey. */
export async function setStatus(tenantId: string, current: StoredJourney, status: 'active' | 'paused', by: { id: string; name: string }, at: string, auditId: string): Promise<StoredJourney> {
  const live = status === 'active';
  await transact([
    {
      Update: {
        TableName: tableName(), Key: { pk: keys.journeys(tenantId), sk: keys.journeySk(current.id) },
        UpdateExpression: live ? 'SET #s = :s, liveVersion = :v, activatedAt = :at' : 'SET #s = :s, pausedAt = :at',
        ConditionExpression: '#ver = :v', ExpressionAttributeNames: { '#s': 'status', '#ver': 'version' },
        ExpressionAttributeValues: { ':s': status, ':v': current.version, ':at': at },
      },
    },
    auditPut(tenantId, current.id, { action: live ? 'activate' : 'pause', by, at, auditId, version: current.version }),
    live ? triggerPut(tenantId, current.id, current, current.version) : triggerDelete(tenantId, current.id, current.trigger.event),
  ], () => new JourneyChanged());
  return { ...current, status, ...(live ? { liveVersion: current.version } : {}) };
}

export interface TriggerEntry { journeyId: string; trigger: JourneyInput['trigger']; liveVersion: number }
/** The active journeys an event starts (one Query on the trigger index). */
export async function triggersFor(tenantId: string, eventName: string): Promise<TriggerEntry[]> {
  const res = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': keys.journeyTriggers(tenantId), ':p': `${eventName}#` },
  }));
  return (res.Items ?? []).map((i) => ({ journeyId: String(i.journeyId), trigger: i.trigger as TriggerEntry['trigger'], liveVersion: Number(i.liveVersion) }));
}

const runOf = (item: Item): StoredRun => {
  const { pk: _p, sk: _s, entityType: _e, ...rest } = item;
  return rest as unknown as StoredRun;
};

export async function getRun(tenantId: string, journeyId: string, recordId: string): Promise<StoredRun | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.journeyMembers(tenantId, recordId), sk: keys.journeyRunSk(journeyId) }, ConsistentRead: true }));
  return Item ? runOf(Item) : undefined;
}

/** Every journey a person is or was in (one Query of their partition). */
export async function runsOf(tenantId: string, recordId: string): Promise<StoredRun[]> {
  const res = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': keys.journeyMembers(tenantId, recordId), ':p': keys.journeyPrefix },
  }));
  return (res.Items ?? []).map(runOf);
}

/**
 * The run's change with its counters (added to the journey's `c:` attributes), its journey events (outbox) and,
 * for an entry, the event that entered them — one transaction, only if the run is still at `prevRev`.
 */
export async function commitRun(
  tenantId: string, prevRev: number | undefined, run: Run, counters: Record<string, number>, events: DomainEvent[], entryEventId?: string,
): Promise<void> {
  const rev = (prevRev ?? 0) + 1;
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds: string[] = [];
  Object.entries(counters).forEach(([k, n], i) => { names[`#c${i}`] = `${COUNTER}${k}`; values[`:c${i}`] = n; adds.push(`#c${i} :c${i}`); });
  await transact([
    {
      Put: {
        TableName: tableName(), Item: { pk: keys.journeyMembers(tenantId, run.recordId), sk: keys.journeyRunSk(run.journeyId), entityType: 'journey-run', ...run, rev },
        ConditionExpression: prevRev === undefined ? 'attribute_not_exists(pk)' : 'rev = :rev', ...(prevRev === undefined ? {} : { ExpressionAttributeValues: { ':rev': prevRev } }),
      },
    },
    ...(adds.length ? [{
      Update: {
        TableName: tableName(), Key: { pk: keys.journeys(tenantId), sk: keys.journeySk(run.journeyId) },
        UpdateExpression: `ADD ${adds.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
      },
    }] : []),
    ...events.map((e) => ({ Put: { TableName: tableName(), Item: outboxEventCodec.encode(e) } })),
    ...(entryEventId ? [{
      Put: {
        TableName: tableName(), Item: { pk: keys.journeyMembers(tenantId, run.recordId), sk: keys.journeyEntrySk(run.journeyId, entryEventId), entityType: 'journey-entry', at: run.enteredAt, run: run.run, expiresAt: Math.floor(Date.parse(run.enteredAt) / 1000) + 30 * 86400 },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }] : []),
  ], () => new RunChanged());
}

/** Did this event already enter the person into the journey? */
export async function enteredBy(tenantId: string, journeyId: string, recordId: string, eventId: string): Promise<boolean> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.journeyMembers(tenantId, recordId), sk: keys.journeyEntrySk(journeyId, eventId) }, ConsistentRead: true }));
  return !!Item;
}
