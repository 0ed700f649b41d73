import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import type { AssignmentRule } from '#schemas/assignment.ts';
import { roundRobinCodec, ruleSetCodec, userCodec, type RuleSet } from '../records/storage/codecs.ts';
import type { Candidate } from './rules.ts';

/**
 * The tenant's ordered rule set is one item, so a reorder is atomic and the consumer reads it in one GetItem.
 * Items through functions/records/storage/codecs.ts (ruleSetCodec, roundRobinCodec, userCodec).
 */
export type { RuleSet } from '../records/storage/codecs.ts';

const rulesKey = (tenantId: string) => ({ pk: keys.config(tenantId), sk: keys.assignmentRulesSk });

export async function loadRuleSet(tenantId: string): Promise<RuleSet> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: rulesKey(tenantId) }));
  return Item ? ruleSetCodec.decode(Item) : { rules: [], version: 0 };
}

/** Saves the whole rule set if nobody saved since `expectedVersion`; false when someone did. */
export async function saveRuleSet(tenantId: string, rules: AssignmentRule[], expectedVersion: number, by: string, now: Date): Promise<RuleSet | undefined> {
  const next: RuleSet = { rules, version: expectedVersion + 1, updatedAt: now.toISOString(), updatedBy: by };
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(),
      Item: ruleSetCodec.encode(next, { tenantId }),
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
    }));
    return next;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/** Takes the next round-robin turn of a rule: an atomic counter, so no two leads ever get the same turn. */
export async function nextTurn(tenantId: string, ruleId: string): Promise<number> {
  const res = await documentClient.send(new UpdateCommand({
    TableName: tableName(), Key: { pk: keys.config(tenantId), sk: keys.roundRobinSk(ruleId) },
    UpdateExpression: 'ADD turn :one SET entityType = :type',
    ExpressionAttributeValues: { ':one': 1, ':type': roundRobinCodec.entityType }, ReturnValues: 'UPDATED_NEW',
  }));
  return res.Attributes ? roundRobinCodec.decode(res.Attributes).turn : 1;
}

/** Directory entries of the members (away flag, open lead count, manager). */
export async function loadCandidates(tenantId: string, userIds: readonly string[]): Promise<Map<string, Candidate & { managerId?: string }>> {
  const unique = [...new Set(userIds)];
  const out = new Map<string, Candidate & { managerId?: string }>();
  for (let i = 0; i < unique.length; i += 100) {
    const res = await documentClient.send(new BatchGetCommand({
      RequestItems: { [tableName()]: { Keys: unique.slice(i, i + 100).map((id) => ({ pk: keys.users(tenantId), sk: keys.userSk(id) })), ConsistentRead: true } },
    }));
    for (const item of res.Responses?.[tableName()] ?? []) {
      const user = userCodec.decode(item);
      out.set(user.id, { id: user.id, away: Boolean(user.away), openLeads: Number(user.openLeads ?? 0), managerId: user.managerId });
    }
  }
  return out;
}
