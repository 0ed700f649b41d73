import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#commons/auth.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { can, type Actor } from '../policy/policy.ts';
import type { DirectoryUser } from '../records/store.ts';

/**
 * The tenant's user directory (names, roles, managers) kept in the table, so owners can be listed and
 * validated without calling Cognito on a request path. Filled on first sign-in and by the local seed.
 */
export type DirectoryEntry = DirectoryUser;

const publicFields = ({ id, email, name, role, language, managerId, away, timeZone, openLeads }: DirectoryEntry) => ({
  id, email, name, role, ...(language ? { language } : {}), ...(managerId ? { managerId } : {}),
  away: Boolean(away), ...(timeZone ? { timeZone } : {}), openLeads: Number(openLeads ?? 0),
});

export async function ensureDirectoryEntry(p: Principal, now: Date): Promise<DirectoryEntry> {
  const key = { pk: keys.users(p.tenantId), sk: p.userId };
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: key }));
  if (Item && Item.role === p.role && Item.email === p.email) return publicFields(Item as DirectoryEntry);
  const entry: DirectoryEntry = {
    ...((Item as DirectoryEntry | undefined) ?? {}),
    id: p.userId, email: p.email, name: (Item?.name as string | undefined) ?? p.name, role: p.role,
    createdAt: (Item?.createdAt as string | undefined) ?? now.toISOString(),
  };
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: { ...key, entityType: 'user', ...entry } }));
  return publicFields(entry);
}

/** One user of the tenant as the directory keeps them, or undefined. */
export async function directoryEntry(tenantId: string, userId: string): Promise<DirectoryEntry | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.users(tenantId), sk: userId } }));
  return Item ? publicFields(Item as DirectoryEntry) : undefined;
}

/** The directory as `actor` may see it: workload, away flag and reporting line only for those who manage. */
export function directoryFor(actor: Actor, entries: readonly ReturnType<typeof publicFields>[]) {
  if (can(actor, 'users:read-workload')) return entries;
  return entries.map(({ openLeads: _o, managerId: _m, away: _a, ...rest }) => (rest.id === actor.userId ? { ...rest, away: _a } : rest));
}

export async function listDirectory(tenantId: string): Promise<ReturnType<typeof publicFields>[]> {
  const items: DirectoryEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await documentClient.send(new QueryCommand({
      TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.users(tenantId) }, ExclusiveStartKey: start,
    }));
    items.push(...((res.Items ?? []) as DirectoryEntry[]));
    start = res.LastEvaluatedKey;
  } while (start);
  return items.map(publicFields).sort((a, b) => a.name.localeCompare(b.name));
}
