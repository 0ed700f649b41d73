import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { LINK_TOKEN, linkTokenHash as hash, newLinkToken as newToken } from '#commons/link-tokens.ts';

/**
 * Customer portal access (SVC-3): no password. A customer asks for a sign-in link by email; the link's token
 * (32 random bytes) is stored only as its hash (`R#portal-link#<sha256>`) with its tenant, email and expiry, and
 * is used once — exchanging it (a POST, not the GET of the link, which scanners open) marks it used in a
 * conditional write and opens a portal session, another random token stored as its hash
 * (`R#portal-session#<sha256>`), separate from the staff app's Cognito session. Both expire (DynamoDB TTL
 * removes them later; the expiry is checked on every use).
 */
export const LINK_MINUTES = 15;
export const SESSION_DAYS = 7;

/** The session token of `Authorization: Portal <token>`. */
const portalToken = (authorization: string | undefined) => {
  const token = /^Portal (\S+)$/.exec(authorization ?? '')?.[1];
  return token && LINK_TOKEN.test(token) ? token : undefined;
};

export interface PortalSession { tenantId: string; email: string; expiresAt: number }

export async function issueLink(tenantId: string, email: string, now: Date): Promise<string> {
  const token = newToken();
  await documentClient.send(new PutCommand({
    TableName: tableName(),
    Item: { pk: keys.route('portal-link', hash(token)), sk: keys.routeSk, entityType: 'route', tenantId, email, expiresAt: Math.floor(now.getTime() / 1000) + LINK_MINUTES * 60 },
  }));
  return token;
}

export type LinkExchange = { ok: true; session: string; email: string; expiresAt: number } | { ok: false; reason: 'unknown' | 'used' | 'expired' };

/** Uses the link once and opens a session. */
export async function exchangeLink(tenantId: string, token: string, now: Date): Promise<LinkExchange> {
  if (!LINK_TOKEN.test(token)) return { ok: false, reason: 'unknown' };
  const key = { pk: keys.route('portal-link', hash(token)), sk: keys.routeSk };
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  if (!Item || Item.tenantId !== tenantId) return { ok: false, reason: 'unknown' };
  if (Item.usedAt) return { ok: false, reason: 'used' };
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (nowSeconds > Number(Item.expiresAt)) return { ok: false, reason: 'expired' };
  try {
    await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: key, UpdateExpression: 'SET usedAt = :at',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(usedAt) AND expiresAt >= :now',
      ExpressionAttributeValues: { ':at': now.toISOString(), ':now': nowSeconds },
    }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { ok: false, reason: 'used' };
    throw error;
  }
  const session = newToken();
  const expiresAt = nowSeconds + SESSION_DAYS * 86400;
  await documentClient.send(new PutCommand({
    TableName: tableName(), Item: { pk: keys.route('portal-session', hash(session)), sk: keys.routeSk, entityType: 'route', tenantId, email: String(Item.email), expiresAt },
  }));
  return { ok: true, session, email: String(Item.email), expiresAt };
}

/** The session a request's `Authorization: Portal <token>` names, if it is this tenant's and still valid. */
export async function sessionOf(tenantId: string, authorization: string | undefined, now: Date): Promise<PortalSession | undefined> {
  const token = portalToken(authorization);
  if (!token) return undefined;
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.route('portal-session', hash(token)), sk: keys.routeSk } }));
  if (!Item || Item.tenantId !== tenantId || Math.floor(now.getTime() / 1000) > Number(Item.expiresAt)) return undefined;
  return { tenantId, email: String(Item.email), expiresAt: Number(Item.expiresAt) };
}

export async function endSession(authorization: string | undefined): Promise<void> {
  const token = portalToken(authorization);
  if (token) await documentClient.send(new DeleteCommand({ TableName: tableName(), Key: { pk: keys.route('portal-session', hash(token)), sk: keys.routeSk } }));
}
