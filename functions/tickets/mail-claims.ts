import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';

/**
 * The service desk's "claim, then send" (as functions/notifications/deliver.ts does for notifications): SES has
 * no idempotency key, so an email is claimed with a conditional write in the tenant's mail-reference partition
 * before SES is called. True when this call claimed it; false when an earlier one had (send nothing).
 */
export async function claimMail(tenantId: string, sk: string, item: { entityType: string; at: string } & Record<string, unknown>): Promise<boolean> {
  try {
    await documentClient.send(new PutCommand({ TableName: tableName(), Item: { pk: keys.mailRefs(tenantId), sk, ...item }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** SES refused the email (nothing was sent): the claim goes, so a retry sends it. */
export async function releaseMail(tenantId: string, sk: string): Promise<void> {
  await documentClient.send(new DeleteCommand({ TableName: tableName(), Key: { pk: keys.mailRefs(tenantId), sk } }));
}
