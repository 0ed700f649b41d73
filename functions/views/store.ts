import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import type { SavedView } from '#schemas/view.ts';
import { lastViewCodec, savedViewCodec } from '../records/storage/codecs.ts';

/** The view was changed by someone else since it was read. */
export class ViewVersionConflict extends Error {}

/** Saved views and the last used view per user and object, in the tenant's view partition (`T#t#view`). */
export interface ViewStore {
  get(tenantId: string, object: string, id: string): Promise<SavedView | undefined>;
  /** Every view of an object (config-sized: at most MAX_VIEWS_PER_OBJECT), any sharing. */
  listOf(tenantId: string, object: string): Promise<SavedView[]>;
  /** Writes a view; `expectedVersion` undefined: it must not exist yet. */
  put(tenantId: string, view: SavedView, expectedVersion?: number): Promise<void>;
  remove(tenantId: string, object: string, id: string): Promise<void>;
  lastUsed(tenantId: string, userId: string, object: string): Promise<string | undefined>;
  setLastUsed(tenantId: string, userId: string, object: string, viewId: string | null): Promise<void>;
}

export class DynamoViewStore implements ViewStore {
  constructor(private readonly client = documentClient, private readonly table = tableName()) {}

  async get(tenantId: string, object: string, id: string): Promise<SavedView | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: keys.views(tenantId), sk: keys.viewSk(object, id) } }));
    return Item ? savedViewCodec.decode(Item) : undefined;
  }

  async listOf(tenantId: string, object: string): Promise<SavedView[]> {
    const out: SavedView[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.client.send(new QueryCommand({
        TableName: this.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :o)',
        ExpressionAttributeValues: { ':pk': keys.views(tenantId), ':o': keys.viewSk(object, '') }, ExclusiveStartKey: start,
      }));
      out.push(...(res.Items ?? []).map((i) => savedViewCodec.decode(i)));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async put(tenantId: string, view: SavedView, expectedVersion?: number): Promise<void> {
    try {
      await this.client.send(new PutCommand({
        TableName: this.table, Item: savedViewCodec.encode(view, { tenantId }),
        ...(expectedVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
      }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) throw new ViewVersionConflict();
      throw error;
    }
  }

  async remove(tenantId: string, object: string, id: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk: keys.views(tenantId), sk: keys.viewSk(object, id) } }));
  }

  async lastUsed(tenantId: string, userId: string, object: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { pk: keys.views(tenantId), sk: keys.lastViewSk(userId, object) } }));
    return Item ? lastViewCodec.decode(Item).viewId : undefined;
  }

  async setLastUsed(tenantId: string, userId: string, object: string, viewId: string | null): Promise<void> {
    if (viewId === null) {
      await this.client.send(new DeleteCommand({ TableName: this.table, Key: { pk: keys.views(tenantId), sk: keys.lastViewSk(userId, object) } }));
      return;
    }
    await this.client.send(new PutCommand({ TableName: this.table, Item: lastViewCodec.encode({ userId, object, viewId }, { tenantId }) }));
  }
}
