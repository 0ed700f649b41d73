import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { DEFAULT_FOLLOW_UP, type FollowUpSettings } from '#schemas/follow-up.ts';

/**
 * The follow-up settings (a tenant configuration item) and each watched record's follow-up state: the time of
 * its last activity (`since`), one item per record in the tenant's follow-up partition, written only forward in
 * time, so an event delivered late or twice cannot move a record's timer back.
 */
export async function loadFollowUpSettings(tenantId: string): Promise<FollowUpSettings> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.config(tenantId), sk: keys.followUpSettingsSk } }));
  if (!Item) return DEFAULT_FOLLOW_UP;
  const { alertAfterDays, poolAfterDays, claimLimit, claimCooldownDays } = Item as FollowUpSettings;
  return { alertAfterDays, poolAfterDays: poolAfterDays ?? null, claimLimit, ...(claimCooldownDays !== undefined ? { claimCooldownDays } : {}) };
}

export async function saveFollowUpSettings(tenantId: string, s: FollowUpSettings, by: string, at: string): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: { pk: keys.config(tenantId), sk: keys.followUpSettingsSk, entityType: 'follow-up-settings', ...s, updatedBy: by, updatedAt: at } }));
}

/** Moves the record's last-activity time forward to `since`; false when it already is at or past it. */
export async function advanceFollowUp(tenantId: string, type: string, id: string, since: string): Promise<boolean> {
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(),
      Item: { pk: keys.followUp(tenantId), sk: keys.followUpSk(type, id), entityType: 'follow-up', since },
      ConditionExpression: 'attribute_not_exists(since) OR since < :since',
      ExpressionAttributeValues: { ':since': since },
    }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export async function followUpSince(tenantId: string, type: string, id: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.followUp(tenantId), sk: keys.followUpSk(type, id) } }));
  return Item?.since as string | undefined;
}
