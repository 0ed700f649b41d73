import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { conflict, notFound, StaleVersion } from '#commons/errors.ts';
import { isId } from '#commons/ids.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { systemActor, type Actor } from '../policy/policy.ts';
import { leadEntity } from '../leads/entity.ts';
import { opportunityEntityWith } from '../opportunities/entity.ts';
import { loadPipelines } from '../pipelines/store.ts';
import { recordDeps } from '../records/deps.ts';
import type { EntityDefinition, StoredRecord } from '../records/entity.ts';
import { commitChange, type RecordDeps } from '../records/service.ts';
import { CounterConflict } from '../records/store.ts';
import { stillWatched } from './check.ts';
import { followUpSince, loadFollowUpSettings } from './store.ts';
import type { FollowUpInput } from './watchdog.ts';

/**
 * The shared pool (公海池, SFA-6). A lead or open deal with no activity for the tenant's `poolAfterDays` is
 * released to the pool (`ownerId: "pool"`, `pooledAt`, the previous owner in `pooledFrom`; audited, on the
 * timeline as `released`, its history kept); any rep may claim it (`POST /api/{object}/{id}/claim`), holding at
 * most `claimLimit` records claimed from the pool (a counter item, checked in the claim's own transaction: a
 * claim past it answers 409). A rep who claimed a record may not hand it back to the pool within
 * `claimCooldownDays` (`POST …/release`), so the limit cannot be dodged by claiming and releasing.
 */
export const POOL = 'pool';
const DAY_MS = 86400_000;
const followUp = (tenantId: string) => systemActor(tenantId, 'follow-up', 'Follow-up watchdog');

export async function poolEntity(tenantId: string, type: string): Promise<EntityDefinition> {
  if (type === 'lead') return leadEntity;
  if (type === 'opportunity') return opportunityEntityWith(await loadPipelines(tenantId));
  throw notFound(`There is no shared pool of ${type} records.`);
}

/** How many pool records the rep holds now. */
export async function claimsOf(tenantId: string, userId: string): Promise<number> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.followUp(tenantId), sk: keys.poolClaimsSk(userId) }, ConsistentRead: true }));
  return typeof Item?.claimed === 'number' ? Item.claimed : 0;
}

function released(r: StoredRecord, at: string): Record<string, unknown> {
  const { claimedAt: _a, claimedBy: _b, ...rest } = r;
  return { ...rest, ownerId: POOL, pooledAt: at, pooledFrom: r.ownerId };
}

/** The Scheduler target `pool-release`: the record has been quiet for `poolAfterDays` since `since`. */
export async function releaseQuiet(input: FollowUpInput, deps: RecordDeps, sinceNow: string | undefined): Promise<'released' | 'nothing-to-do'> {
  if (sinceNow !== input.since) return 'nothing-to-do';
  const settings = await loadFollowUpSettings(input.tenantId);
  if (settings.poolAfterDays === null) return 'nothing-to-do';
  const record = await deps.store.get(input.tenantId, input.type, input.id);
  if (!stillWatched(input.type, record)) return 'nothing-to-do';
  const def = await poolEntity(input.tenantId, input.type);
  const at = deps.clock().toISOString();
  const merged = released(record, at);
  const implied = def.changeExtras?.(record, merged)?.counters ?? [];
  try {
    await commitChange(def, followUp(input.tenantId), record, merged, deps, {
      // (A release frees the claim of the rep who held it: the entity's changeExtras says so, functions/records/pool-claims.ts.)
      verb: 'released', timelineType: 'released', counters: implied,
      timelineData: { days: settings.poolAfterDays },
    });
  } catch (error) {
    // Changed meanwhile (claimed, moved, logged on): the next activity has its own timer.
    if (error instanceof StaleVersion) return 'nothing-to-do';
    throw error;
  }
  return 'released';
}

async function load(p: Actor, type: string, id: string, deps: RecordDeps): Promise<StoredRecord> {
  const r = isId(id) ? await deps.store.get(p.tenantId, type, id) : undefined;
  if (!r || r.deletedAt) throw notFound(`No ${type} with id ${id}.`);
  return r;
}

/** `POST /api/{object}/{id}/claim` for a record in the pool: the claimer becomes its owner, within their limit. */
export async function claimFromPool(p: Actor, type: string, id: string, deps: RecordDeps, attempt = 0): Promise<StoredRecord> {
  const record = await load(p, type, id, deps);
  if (record.ownerId !== POOL) throw conflict('This record is not in the shared pool (someone may have claimed it first).');
  const [settings, held, user] = await Promise.all([
    loadFollowUpSettings(p.tenantId), claimsOf(p.tenantId, p.userId), deps.store.getUser(p.tenantId, p.userId),
  ]);
  if (held >= settings.claimLimit) {
    throw conflict(`You hold ${held} records claimed from the shared pool, the most allowed (${settings.claimLimit}). Work or release one first.`, { claimed: held, claimLimit: settings.claimLimit });
  }
  const def = await poolEntity(p.tenantId, type);
  const at = deps.clock().toISOString();
  const { pooledAt: _p, ...rest } = record;
  const merged: Record<string, unknown> = { ...rest, ownerId: p.userId, claimedAt: at, claimedBy: p.userId, ...(type === 'lead' && user?.managerId ? { ownerManagerId: user.managerId } : {}) };
  const implied = def.changeExtras?.(record, merged)?.counters ?? [];
  try {
    return await commitChange(def, p, record, merged, deps, {
      verb: 'claimed', timelineType: 'claimed',
      counters: [...implied, { userId: p.userId, field: 'claimed', delta: 1, expected: held, claims: true }],
    });
  } catch (error) {
    // Another claim of this rep moved the count, or someone claimed this record: look again.
    if ((error instanceof CounterConflict || error instanceof StaleVersion) && attempt < 3) return claimFromPool(p, type, id, deps, attempt + 1);
    throw error;
  }
}

/** `POST /api/{object}/{id}/release`: the owner hands a record to the pool, not within the cool-down after claiming it. */
export async function releaseByOwner(p: Actor, type: string, id: string, deps: RecordDeps): Promise<StoredRecord> {
  const record = await load(p, type, id, deps);
  if (record.ownerId !== p.userId) throw conflict('Only its owner releases a record to the shared pool.');
  const settings = await loadFollowUpSettings(p.tenantId);
  const cooldown = (settings.claimCooldownDays ?? 0) * DAY_MS;
  const now = deps.clock();
  if (record.claimedBy === p.userId && typeof record.claimedAt === 'string' && Date.parse(record.claimedAt) + cooldown > now.getTime()) {
    throw conflict(`You claimed this record from the pool less than ${settings.claimCooldownDays} days ago; it cannot go back yet.`, {
      releasableAt: new Date(Date.parse(record.claimedAt) + cooldown).toISOString(),
    });
  }
  const def = await poolEntity(p.tenantId, type);
  const merged = released(record, now.toISOString());
  const implied = def.changeExtras?.(record, merged)?.counters ?? [];
  return commitChange(def, p, record, merged, deps, { verb: 'released', timelineType: 'released', counters: implied });
}

async function fromSchedule(event: FollowUpInput): Promise<string> {
  const result = await releaseQuiet(event, recordDeps(), await followUpSince(event.tenantId, event.type, event.id));
  await logger.info('pool release', { ...event, result });
  return result;
}

/** The Scheduler target `pool-release`. */
export const handler = withObservability(fromSchedule);
