import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { LINK_TOKEN, linkTokenHash, newLinkToken } from '#commons/link-tokens.ts';
import { HttpProblem } from '#commons/problem.ts';
import { notFound } from '#commons/errors.ts';
import type { PersonType } from './store.ts';

/**
 * The preference and one-click unsubscribe link of a marketing email (issue 10): 32 random bytes in the link,
 * only their SHA-256 stored, as a routing item `R#preference#<hash>` naming the tenant, the person and the
 * subscription type of the email it came in; valid for 180 days (and gone by TTL after). One link per email
 * serves both the preference page (`/preferences/{token}`) and `List-Unsubscribe` (`/api/unsubscribe/{token}`).
 */
export const PREFERENCE_LINK_DAYS = 180;

export interface PreferenceRoute {
  readonly tenantId: string;
  readonly personType: PersonType;
  readonly recordId: string;
  readonly subscriptionType: string;
  readonly sendId: string;
  readonly language: 'zh-CN' | 'en';
  /** Epoch seconds (the item's TTL). */
  readonly expiresAt: number;
}

export function newPreferenceLink(route: Omit<PreferenceRoute, 'expiresAt'>, now: Date): { token: string; item: Record<string, unknown> } {
  const token = newLinkToken();
  const expiresAt = Math.floor(now.getTime() / 1000) + PREFERENCE_LINK_DAYS * 86400;
  return { token, item: { pk: keys.route('preference', linkTokenHash(token)), sk: keys.routeSk, entityType: 'route', kind: 'preference', ...route, expiresAt } };
}

/** The link's route; 404 for an unknown token, 410 for an expired one (DynamoDB's TTL deletes late). */
export async function preferenceRoute(token: string, now: Date): Promise<PreferenceRoute> {
  if (!LINK_TOKEN.test(token)) throw notFound('No such link.');
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.route('preference', linkTokenHash(token)), sk: keys.routeSk } }));
  if (!Item || Item.kind !== 'preference') throw notFound('No such link.');
  if (Number(Item.expiresAt) * 1000 <= now.getTime()) throw new HttpProblem(410, 'Gone', 'This link has expired. Use the link in a newer email.');
  return Item as unknown as PreferenceRoute;
}
