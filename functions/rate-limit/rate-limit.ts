import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { rateWindowCodec, rateWindowExpiry } from '../records/storage/codecs.ts';

export type RateSlot = { ok: true } | { ok: false; retryAfter: number };

/**
 * Fixed one-minute windows per caller: a partner (`scopes.partner`), a form (`scopes.form`), a visitor
 * of a form (`scopes.formVisitor`), see functions/commons/keys.ts. One conditional UpdateItem per request:
 * a refused request writes nothing (the condition fails), and the answer names the seconds until the
 * window ends. The window item (`T#t#rate#<scope>` / `<epoch minute>`) expires two minutes after it starts.
 */
export async function takeRateSlot(tenantId: string, scope: string, limitPerMinute: number, now: Date): Promise<RateSlot> {
  const epochMinute = Math.floor(now.getTime() / 60_000);
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: { pk: keys.rate(tenantId, scope), sk: keys.rateSk(epochMinute) },
      UpdateExpression: 'ADD used :one SET expiresAt = if_not_exists(expiresAt, :exp), entityType = :type',
      ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
      ExpressionAttributeValues: { ':one': 1, ':limit': limitPerMinute, ':exp': rateWindowExpiry(epochMinute), ':type': rateWindowCodec.entityType },
    }));
    return { ok: true };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) {
      return { ok: false, retryAfter: Math.max(1, Math.ceil(((epochMinute + 1) * 60_000 - now.getTime()) / 1000)) };
    }
    throw error;
  }
}
