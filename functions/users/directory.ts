import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { Principal } from '#commons/auth.ts';
import { queryPartition } from '../records/storage/query.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { can, type Actor } from '../policy/policy.ts';
import type { DirectoryUser } from '../records/store.ts';
import { decodeIf } from '../records/storage/codec.ts';
import { userCodec } from '../records/storage/codecs.ts';

/**
 * The tenant's user directory (names, roles, managers) kept in the table, so owners can be listed and
 * validated without calling Cognito on a request path. Filled on first sign-in and by the local seed.
 * Items through functions/records/storage/codecs.ts (userCodec).
 */
export type DirectoryEntry = DirectoryUser;

const userKey = (tenantId: string, userId: string) => ({ pk: keys.users(tenantId), sk: keys.userSk(userId) });

const publicFields = ({ id, email, name, role, language, managerId, away, timeZone, openLeads, skills }: DirectoryEntry) => ({
  id, email, name, role, ...(language ? { language } : {}), ...(managerId ? { managerId } : {}),
  away: Boolean(away), ...(timeZone ? { timeZone } : {}), openLeads: Number(openLeads ?? 0), skills: skills ?? [],
});

/**
 * An entry through its codec plus its `skills` (what ticket routing reads from the raw item; the codec does
 * not know them yet, so they are taken from the item here).
 */
const userCodecWithSkills = {
  decode(item: Record<string, unknown>): DirectoryEntry {
    const skills = Array.isArray(item.skills) ? item.skills.filter((s): s is string => typeof s === 'string') : undefined;
    return { ...userCodec.decode(item), ...(skills ? { skills } : {}) };
  },
};
const decodeEntry = (item: Record<string, unknown> | undefined) => (decodeIf(userCodec, item) ? userCodecWithSkills.decode(item!) : undefined);

export async function ensureDirectoryEntry(p: Principal, now: Date, attempt = 0): Promise<DirectoryEntry> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: userKey(p.tenantId, p.userId) }));
  const stored = decodeEntry(Item);
  if (stored && stored.role === p.role && stored.email === p.email) return publicFields(stored);
  const entry: DirectoryEntry = {
    ...(stored ?? {}),
    id: p.userId, email: p.email, name: stored?.name ?? p.name, role: p.role,
    createdAt: stored?.createdAt ?? now.toISOString(),
  };
  try {
    // Conditioned on what was read, so an open-leads count moved by a lead transaction in between (or a
    // first sign-in racing another) is never overwritten: read again and retry instead.
    await documentClient.send(new PutCommand({
      TableName: tableName(),
      Item: userCodec.encode(entry, { tenantId: p.tenantId }),
      ...(stored
        ? stored.openLeads === undefined
          ? { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(openLeads)' }
          : { ConditionExpression: 'openLeads = :read', ExpressionAttributeValues: { ':read': stored.openLeads } }
        : { ConditionExpression: 'attribute_not_exists(pk)' }),
    }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException && attempt < 3) return ensureDirectoryEntry(p, now, attempt + 1);
    throw error;
  }
  return publicFields(entry);
}

/** One user of the tenant as the directory keeps them, or undefined. */
export async function directoryEntry(tenantId: string, userId: string): Promise<DirectoryEntry | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: userKey(tenantId, userId) }));
  const stored = decodeEntry(Item);
  return stored ? publicFields(stored) : undefined;
}

/** What a user may change about themselves (or an admin / their manager, as the policy allows). */
export interface UserSettings {
  away?: boolean;
  language?: string;
  timeZone?: string;
  skills?: string[];
}

/** Sets the given settings of an existing directory entry; the entry as now stored, or undefined when there is none. */
export async function updateUserSettings(tenantId: string, id: string, fields: UserSettings): Promise<DirectoryEntry | undefined> {
  const sets = Object.entries(fields).filter(([, v]) => v !== undefined);
  if (sets.length === 0) return directoryEntry(tenantId, id);
  try {
    const res = await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: userKey(tenantId, id),
      UpdateExpression: `SET ${sets.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: Object.fromEntries(sets.map(([k], i) => [`#k${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(sets.map(([, v], i) => [`:v${i}`, v])),
      ReturnValues: 'ALL_NEW',
    }));
    return userCodecWithSkills.decode(res.Attributes!);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** The directory as `actor` may see it: workload, away flag and reporting line only for those who manage. */
export function directoryFor(actor: Actor, entries: readonly ReturnType<typeof publicFields>[]) {
  if (can(actor, 'users:read-workload')) return entries;
  return entries.map(({ openLeads: _o, managerId: _m, away: _a, ...rest }) => (rest.id === actor.userId ? { ...rest, away: _a } : rest));
}

export async function listDirectory(tenantId: string): Promise<ReturnType<typeof publicFields>[]> {
  const items: DirectoryEntry[] = await queryPartition(keys.users(tenantId), userCodecWithSkills);
  return items.map(publicFields).sort((a, b) => a.name.localeCompare(b.name));
}
