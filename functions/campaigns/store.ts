import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { invalid } from '#commons/errors.ts';
import { keys } from '#commons/keys.ts';
import { STAT_NAMES, type CampaignMember, type CampaignStats, type MemberObject, type MemberStatus } from '#schemas/marketing/campaign.ts';
import type { Checkpoint, MemberOutcome } from './send-loop.ts';

/**
 * The campaign's own items in its record's partition (functions/commons/keys-campaigns.ts): members, the stats
 * aggregate, the send checkpoint, counted events and influence contributions. Reads are GetItems and one
 * Query per page; counters move with UpdateItem ADD in a transaction with the event's dedupe item.
 */
const T = () => tableName();
const pk = (tenantId: string, campaignId: string) => keys.campaign(tenantId, campaignId);
const EVENT_TTL_DAYS = 14;

// --- the send checkpoint --------------------------------------------------------------------------------

export async function loadCheckpoint(tenantId: string, campaignId: string): Promise<Checkpoint | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: T(), Key: { pk: pk(tenantId, campaignId), sk: keys.campaignSendSk }, ConsistentRead: true }));
  if (!Item) return undefined;
  const { pk: _p, sk: _s, entityType: _e, ...rest } = Item;
  return rest as Checkpoint;
}

export async function saveCheckpoint(tenantId: string, campaignId: string, c: Checkpoint): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: T(), Item: { pk: pk(tenantId, campaignId), sk: keys.campaignSendSk, entityType: 'campaign-send', ...c } }));
}

// --- members ---------------------------------------------------------------------------------------------

/**
 * The send's outcome on each member. `already-sent` (a page done again after a crash) keeps what the first
 * attempt wrote; the engagement attributes (opened, clicked…) are the consumers' and never touched here.
 */
export async function saveMemberOutcomes(tenantId: string, campaignId: string, members: readonly MemberOutcome[]): Promise<void> {
  const queue = [...members];
  const one = async (m: MemberOutcome) => {
    const keep = m.outcome === 'already-sent';
    const status = m.outcome === 'sent' || m.outcome === 'already-sent' ? 'sent' : m.outcome === 'skipped' ? 'skipped' : 'failed';
    const values: Record<string, unknown> = {
      ':o': m.object, ':r': m.recordId, ':n': m.name, ':s': status, ':id': m.sendId, ':at': m.at, ':src': m.source, ':e': 'campaign-member',
    };
    const sets = ['#object = :o', 'recordId = :r', '#name = :n', 'sendId = :id', 'entityType = :e', '#source = if_not_exists(#source, :src)'];
    sets.push(keep ? 'sendStatus = if_not_exists(sendStatus, :s)' : 'sendStatus = :s');
    sets.push(keep ? 'sentAt = if_not_exists(sentAt, :at)' : 'sentAt = :at');
    if (m.email) { sets.push('email = :m'); values[':m'] = m.email; }
    if (m.reason) { sets.push('reason = :why'); values[':why'] = m.reason; }
    if (m.messageId) { sets.push('messageId = :mid'); values[':mid'] = m.messageId; }
    await documentClient.send(new UpdateCommand({
      TableName: T(), Key: { pk: pk(tenantId, campaignId), sk: keys.campaignMemberSk(m.object, m.recordId) },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: { '#object': 'object', '#name': 'name', '#source': 'source' },
      ExpressionAttributeValues: values,
    }));
  };
  await Promise.all(Array.from({ length: Math.min(10, queue.length) }, async () => {
    for (let m = queue.shift(); m; m = queue.shift()) await one(m);
  }));
}

/** Members added by hand: written as `added` (a member already there keeps what it has). */
export async function addMembers(tenantId: string, campaignId: string, object: MemberObject, records: readonly { id: string; name: string; email?: unknown }[], at: string): Promise<number> {
  let added = 0;
  for (const r of records) {
    try {
      await documentClient.send(new PutCommand({
        TableName: T(),
        Item: {
          pk: pk(tenantId, campaignId), sk: keys.campaignMemberSk(object, r.id), entityType: 'campaign-member',
          object, recordId: r.id, name: r.name, ...(typeof r.email === 'string' ? { email: r.email } : {}), source: 'manual', sendStatus: 'added', addedAt: at,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }));
      added++;
    } catch (error) {
      if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
  if (added) await addCounters(tenantId, campaignId, { manualMembers: added });
  return added;
}

const RANK: readonly MemberStatus[] = ['added', 'failed', 'skipped', 'sent', 'delivered', 'opened', 'clicked', 'responded', 'registered', 'attended'];

/** What a member's item says, as the members list shows it: the furthest it got (bounced/unsubscribed win). */
export function memberOf(item: Record<string, unknown>): CampaignMember {
  let status: MemberStatus = (item.sendStatus as MemberStatus | undefined) ?? 'added';
  for (const s of ['delivered', 'opened', 'clicked', 'responded', 'registered', 'attended'] as const) {
    if (item[`${s}At`] && RANK.indexOf(s) > RANK.indexOf(status)) status = s;
  }
  if (item.bouncedAt) status = 'bounced';
  if (item.unsubscribedAt) status = 'unsubscribed';
  return {
    object: item.object as MemberObject, recordId: String(item.recordId), status, source: item.source === 'manual' ? 'manual' : 'segment',
    ...(typeof item.name === 'string' ? { name: item.name } : {}),
    ...(typeof item.email === 'string' ? { email: item.email } : {}),
    ...((status === 'skipped' || status === 'failed') && typeof item.reason === 'string' ? { reason: item.reason } : {}),
    ...(typeof item.sentAt === 'string' && item.sendStatus === 'sent' ? { sentAt: item.sentAt } : {}),
    ...(typeof item.openedAt === 'string' ? { openedAt: item.openedAt } : {}),
    ...(typeof item.clickedAt === 'string' ? { clickedAt: item.clickedAt } : {}),
  };
}

const encodeCursor = (key: Record<string, unknown> | undefined) => (key ? Buffer.from(JSON.stringify({ sk: key.sk }), 'utf8').toString('base64url') : null);
function decodeCursor(tenantId: string, campaignId: string, cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const { sk } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { sk?: unknown };
    if (typeof sk === 'string' && sk.startsWith(keys.campaignMemberPrefix) && sk.length < 300) return { pk: pk(tenantId, campaignId), sk };
  } catch { /* below */ }
  throw invalid([{ path: 'cursor', message: 'Not a cursor of this list', code: 'invalid_cursor' }]);
}

/** GET /api/campaigns/{id}/members: one Query of the campaign's partition (`CM#`), by object and id. */
export async function listMembers(tenantId: string, campaignId: string, limit: number, cursor: string | undefined): Promise<{ items: CampaignMember[]; nextCursor: string | null }> {
  const res = await documentClient.send(new QueryCommand({
    TableName: T(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': pk(tenantId, campaignId), ':p': keys.campaignMemberPrefix },
    Limit: limit, ExclusiveStartKey: decodeCursor(tenantId, campaignId, cursor),
  }));
  return { items: (res.Items ?? []).map(memberOf), nextCursor: encodeCursor(res.LastEvaluatedKey) };
}

/** Members added by hand and not mailed yet (the send's manual phase): a page of the member Query. */
export async function pendingManualMembers(tenantId: string, campaignId: string, cursor: string | undefined): Promise<{ items: { object: MemberObject; recordId: string }[]; nextCursor?: string }> {
  const res = await documentClient.send(new QueryCommand({
    TableName: T(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    FilterExpression: 'sendStatus = :added', ConsistentRead: true,
    ExpressionAttributeValues: { ':pk': pk(tenantId, campaignId), ':p': keys.campaignMemberPrefix, ':added': 'added' },
    Limit: 100, ExclusiveStartKey: cursor ? { pk: pk(tenantId, campaignId), sk: cursor } : undefined,
  }));
  const next = res.LastEvaluatedKey?.sk;
  return {
    items: (res.Items ?? []).map((i) => ({ object: i.object as MemberObject, recordId: String(i.recordId) })),
    ...(typeof next === 'string' ? { nextCursor: next } : {}),
  };
}

// --- the stats aggregate ---------------------------------------------------------------------------------

export interface StatsItem extends CampaignStats {
  manualMembers: number;
  leadsInfluenced: number;
  contactsInfluenced: number;
  opportunitiesInfluenced: number;
  pipelineInfluenced: number;
  revenueInfluenced: number;
}
const COUNTERS = [...STAT_NAMES, 'manualMembers', 'leadsInfluenced', 'contactsInfluenced', 'opportunitiesInfluenced', 'pipelineInfluenced', 'revenueInfluenced'] as const;

export async function loadStats(tenantId: string, campaignId: string): Promise<StatsItem> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: T(), Key: { pk: pk(tenantId, campaignId), sk: keys.campaignStatsSk } }));
  return Object.fromEntries(COUNTERS.map((c) => [c, typeof Item?.[c] === 'number' ? Item[c] : 0])) as unknown as StatsItem;
}

const addExpression = (add: Record<string, number>) => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const parts = Object.entries(add).map(([k, v], i) => { names[`#c${i}`] = k; values[`:c${i}`] = v; return `#c${i} :c${i}`; });
  return { UpdateExpression: `ADD ${parts.join(', ')} SET entityType = :agg`, ExpressionAttributeNames: names, ExpressionAttributeValues: { ...values, ':agg': 'campaign-stats' } };
}

async function addCounters(tenantId: string, campaignId: string, add: Record<string, number>): Promise<void> {
  await documentClient.send(new UpdateCommand({ TableName: T(), Key: { pk: pk(tenantId, campaignId), sk: keys.campaignStatsSk }, ...addExpression(add) }));
}

/**
 * Counts one event once: the event's dedupe item, the counters and the member's engagement stamp in one
 * transaction. False when the event was counted already (a redelivery).
 */
export async function countEvent(
  tenantId: string, campaignId: string, eventId: string, add: Record<string, number>,
  member?: { object: MemberObject; recordId: string; set: Record<string, string> },
): Promise<boolean> {
  const base = pk(tenantId, campaignId);
  const expiresAt = Math.floor(Date.now() / 1000) + EVENT_TTL_DAYS * 86400;
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
    { Put: { TableName: T(), Item: { pk: base, sk: keys.campaignEventSk(eventId), entityType: 'campaign-event', expiresAt }, ConditionExpression: 'attribute_not_exists(pk)' } },
  ];
  if (Object.keys(add).length) items.push({ Update: { TableName: T(), Key: { pk: base, sk: keys.campaignStatsSk }, ...addExpression(add) } });
  if (member && Object.keys(member.set).length) {
    const names: Record<string, string> = { '#object': 'object' };
    const values: Record<string, unknown> = { ':o': member.object, ':r': member.recordId, ':e': 'campaign-member' };
    const sets = ['#object = if_not_exists(#object, :o)', 'recordId = if_not_exists(recordId, :r)', 'entityType = :e'];
    Object.entries(member.set).forEach(([k, v], i) => { names[`#m${i}`] = k; values[`:m${i}`] = v; sets.push(`#m${i} = if_not_exists(#m${i}, :m${i})`); });
    items.push({ Update: { TableName: T(), Key: { pk: base, sk: keys.campaignMemberSk(member.object, member.recordId) }, UpdateExpression: `SET ${sets.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: values } });
  }
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

// --- influence (AN-3) -----------------------------------------------------------------------------------

export interface Contribution { influenced: number; pipeline: number; revenue: number; version: number; sourceVersion?: number }

export async function loadContribution(tenantId: string, campaignId: string, type: string, id: string): Promise<Contribution | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: T(), Key: { pk: pk(tenantId, campaignId), sk: keys.campaignInfluenceSk(type, id) }, ConsistentRead: true }));
  return Item ? { influenced: Number(Item.influenced ?? 0), pipeline: Number(Item.pipeline ?? 0), revenue: Number(Item.revenue ?? 0), version: Number(Item.version ?? 0), ...(typeof Item.sourceVersion === 'number' ? { sourceVersion: Item.sourceVersion } : {}) } : undefined;
}

/**
 * Moves what one record adds to the campaign's results from `before` to `after` (the counters get the
 * difference), conditioned on the contribution's version: false when another event moved it first (read
 * again and retry).
 */
export async function moveContribution(
  tenantId: string, campaignId: string, type: string, id: string, before: Contribution | undefined, after: Omit<Contribution, 'version'>,
  counters: { influenced: string; pipeline?: string; revenue?: string },
): Promise<boolean> {
  const base = pk(tenantId, campaignId);
  const add: Record<string, number> = {};
  const d = (k: 'influenced' | 'pipeline' | 'revenue') => after[k] - (before?.[k] ?? 0);
  if (d('influenced')) add[counters.influenced] = d('influenced');
  if (counters.pipeline && d('pipeline')) add[counters.pipeline] = d('pipeline');
  if (counters.revenue && d('revenue')) add[counters.revenue] = d('revenue');
  const version = (before?.version ?? 0) + 1;
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [{
    Put: {
      TableName: T(), Item: { pk: base, sk: keys.campaignInfluenceSk(type, id), entityType: 'campaign-influence', ...after, version },
      ...(before ? { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': before.version } } : { ConditionExpression: 'attribute_not_exists(pk)' }),
    },
  }];
  if (Object.keys(add).length) items.push({ Update: { TableName: T(), Key: { pk: base, sk: keys.campaignStatsSk }, ...addExpression(add) } });
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw error;
  }
}
