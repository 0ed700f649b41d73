import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import type { Item } from './codec.ts';

/**
 * Every item of one small partition (a tenant's partners, forms, users), decoded by its codec, following
 * DynamoDB's pages. For configuration-sized partitions only; lists of records page through their index.
 */
export async function queryPartition<V>(pk: string, codec: { decode(item: Item): V }): Promise<V[]> {
  const out: V[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await documentClient.send(new QueryCommand({
      TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: start,
    }));
    out.push(...(res.Items ?? []).map((i) => codec.decode(i)));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}
