import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import type { SendStatus } from '#schemas/marketing/consent.ts';
import type { TransactItem } from '../consent/store.ts';

/**
 * A marketing send record (issue 10): `T#t#msend#<sendId>` / `~send`, one per campaign recipient or journey step.
 * Written (claimed) before SES is called; `messageId` after; moved on by the SES events (delivered, bounced,
 * complained; opens and clicks counted). `refused` (SES said no: nothing was sent) may be claimed again.
 */
export interface MarketingSend {
  sendId: string;
  tenantId: string;
  status: SendStatus;
  reason?: string;
  personType: 'contact' | 'lead';
  recordId: string;
  address?: string;
  subscriptionType: string;
  language: 'zh-CN' | 'en';
  kind: 'campaign' | 'journey';
  campaignId?: string;
  journeyId?: string;
  journeyVersion?: number;
  stepId?: string;
  templateId?: string;
  messageId?: string;
  claimedAt: string;
  sentAt?: string;
  deliveredAt?: string;
  bouncedAt?: string;
  bounceType?: string;
  complainedAt?: string;
  opens?: number;
  clicks?: number;
  firstOpenedAt?: string;
  firstClickedAt?: string;
  updatedAt: string;
}

export const sendKey = (tenantId: string, sendId: string) => ({ pk: keys.marketingSend(tenantId, sendId), sk: keys.marketingSendSk });

/** The send record of `sendId` (campaigns show each recipient's status from it); undefined when never sent. */
export async function getSendRecord(tenantId: string, sendId: string): Promise<MarketingSend | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: sendKey(tenantId, sendId), ConsistentRead: true }));
  if (!Item) return undefined;
  const { pk: _p, sk: _s, entityType: _e, ...rest } = Item;
  return rest as MarketingSend;
}

export const sendPut = (send: MarketingSend): TransactItem => ({
  Put: {
    TableName: tableName(), Item: { ...sendKey(send.tenantId, send.sendId), entityType: 'marketing-send', ...send },
    // A new send, or one SES refused before (nothing was sent: it may be tried again).
    ConditionExpression: 'attribute_not_exists(pk) OR #s = :refused',
    ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':refused': 'refused' },
  },
});

/** Writes the claim (or the skip) with its side items; false when the send id was taken already (mail nobody). */
export async function claimSend(items: TransactItem[]): Promise<boolean> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/** claimed → sent with SES's MessageId, with `email.sent`; false when the consumer of SES's own "Send" event did it first. */
export async function markSent(tenantId: string, sendId: string, messageId: string, at: string, event: TransactItem): Promise<boolean> {
  try {
    await documentClient.send(new TransactWriteCommand({ TransactItems: [
      { Update: {
        TableName: tableName(), Key: sendKey(tenantId, sendId), UpdateExpression: 'SET #s = :sent, messageId = :m, sentAt = :at, updatedAt = :at, #rev = if_not_exists(#rev, :zero) + :one',
        ConditionExpression: '#s = :claimed', ExpressionAttributeNames: { '#s': 'status', '#rev': 'rev' },
        ExpressionAttributeValues: { ':sent': 'sent', ':claimed': 'claimed', ':m': messageId, ':at': at, ':zero': 0, ':one': 1 },
      } },
      event,
    ] }));
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/** claimed → refused (SES said no: nothing was sent; a later call with the same send id tries again). */
export async function markRefused(tenantId: string, sendId: string, reason: string, at: string): Promise<void> {
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: sendKey(tenantId, sendId), UpdateExpression: 'SET #s = :refused, reason = :r, updatedAt = :at',
      ConditionExpression: '#s = :claimed', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':refused': 'refused', ':claimed': 'claimed', ':r': reason, ':at': at },
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Is this address on the tenant's suppression list? */
export async function isSuppressed(tenantId: string, address: string): Promise<boolean> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.suppression(tenantId), sk: keys.suppressionSk(address) } }));
  return Boolean(Item);
}
