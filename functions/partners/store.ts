import { randomBytes } from 'node:crypto';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { queryPartition } from '../records/storage/query.ts';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { decodeIf } from '../records/storage/codec.ts';
import { PARTNER_PURPOSES, type PartnerPurpose } from '#schemas/lead.ts';
import type { Item } from '../records/storage/codec.ts';
import { partnerCodec, routeCodec, type Partner as StoredPartner } from '../records/storage/codecs.ts';

/**
 * Webhook partners: who may post to a webhook, with which secret and at what rate. A partner has one
 * purpose: `leads` (SFA-1, the lead webhook; partners made before purposes existed are lead partners) or
 * `chat` (SVC-1, the chat webhook's conversations as tickets). A webhook refuses a partner of the other
 * purpose exactly as it refuses an unknown id.
 * The partner id in the webhook URL is global, so a routing item maps it to its tenant.
 * Items are built and read through functions/records/storage/codecs.ts (partnerCodec, routeCodec).
 */
export { PARTNER_PURPOSES, type PartnerPurpose };
/** A stored partner; `purpose` is absent on lead partners made before purposes existed. */
export type Partner = StoredPartner & { purpose?: PartnerPurpose };
export const purposeOf = (p: Pick<Partner, 'purpose'>): PartnerPurpose => p.purpose ?? 'leads';

/**
 * The partner codec with the purpose: codecs.ts's partner shape does not name `purpose` yet, so its decode
 * drops it; encode keeps every field of the value, so the purpose is stored, and read back here from the item.
 */
const isPurpose = (v: unknown): v is PartnerPurpose => typeof v === 'string' && (PARTNER_PURPOSES as readonly string[]).includes(v);
const partnerItems = {
  encode: (p: Partner): Item => partnerCodec.encode(p),
  decode(item: Item): Partner {
    const p = partnerCodec.decode(item);
    return isPurpose(item.purpose) ? { ...p, purpose: item.purpose } : p;
  },
};

export const DEFAULT_RATE_PER_MINUTE = 120;
export const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

const partnerKey = (tenantId: string, id: string) => ({ pk: keys.partners(tenantId), sk: keys.partnerSk(id) });

/** What an admin sees: never the secret after it was first shown. */
export function publicPartner(p: Partner) {
  return {
    id: p.id, name: p.name, purpose: purposeOf(p), rateLimitPerMinute: p.rateLimitPerMinute, createdAt: p.createdAt,
    secretHint: `…${p.secret.slice(-4)}`,
    ...(p.rotatedAt ? { rotatedAt: p.rotatedAt } : {}),
    ...(p.previousSecretValidUntil ? { previousSecretValidUntil: p.previousSecretValidUntil } : {}),
  };
}

export async function partnerTenant(partnerId: string): Promise<string | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.route('partner', partnerId), sk: keys.routeSk } }));
  return decodeIf(routeCodec, Item)?.tenantId;
}

/** What a partner id looks like (ids are chosen at creation); anything else names no partner. */
export const isPartnerId = (id: string) => /^[A-Za-z0-9_-]{1,64}$/.test(id);
/** Stands in for an id that names no partner: the reads are made all the same, and find nothing. */
const NO_PARTNER = '~none';

/**
 * The partner a webhook URL names, found with the same work whether it exists or not: always the routing
 * read and the partner read (the second for an item that cannot exist when the id is unknown), so the
 * time an answer takes does not tell whether an id exists. A partner of another purpose than the webhook's
 * is no partner of that webhook (the same reads were made: the caller's answer is the unknown id's).
 */
export async function lookupPartner(partnerId: string, purpose: PartnerPurpose = 'leads'): Promise<Partner | undefined> {
  const known = isPartnerId(partnerId);
  const tenantId = await partnerTenant(known ? partnerId : NO_PARTNER);
  const partner = await getPartner(tenantId ?? NO_PARTNER, tenantId ? partnerId : NO_PARTNER);
  return tenantId && partner && purposeOf(partner) === purpose ? partner : undefined;
}

export async function getPartner(tenantId: string, id: string): Promise<Partner | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: partnerKey(tenantId, id) }));
  return decodeIf(partnerItems, Item);
}

export async function listPartners(tenantId: string): Promise<Partner[]> {
  return queryPartition(keys.partners(tenantId), partnerItems);
}

/** Creates the partner and its routing item together; an id already taken anywhere answers false. */
export async function putNewPartner(p: Partner): Promise<boolean> {
  try {
    await documentClient.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: partnerItems.encode(p), ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: tableName(), Item: routeCodec.encode({ tenantId: p.tenantId }, { kind: 'partner', publicId: p.id }), ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') return false;
    throw error;
  }
}

export async function rotateSecret(tenantId: string, id: string, now: Date): Promise<Partner | undefined> {
  const current = await getPartner(tenantId, id);
  if (!current) return undefined;
  const secret = newSecret();
  const validUntil = new Date(now.getTime() + 24 * 3600 * 1000).toISOString();
  try {
    const res = await documentClient.send(new UpdateCommand({
      TableName: tableName(), Key: partnerKey(tenantId, id),
      UpdateExpression: 'SET secret = :s, previousSecret = :old, previousSecretValidUntil = :until, rotatedAt = :now',
      ConditionExpression: 'secret = :old',
      ExpressionAttributeValues: { ':s': secret, ':old': current.secret, ':until': validUntil, ':now': now.toISOString() },
      ReturnValues: 'ALL_NEW',
    }));
    return partnerItems.decode(res.Attributes!);
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return rotateSecret(tenantId, id, now);
    throw error;
  }
}

/** Secrets that verify a signature now: the current one, and the previous one for 24 h after a rotation. */
export function validSecrets(p: Partner, now: Date): string[] {
  const out = [p.secret];
  if (p.previousSecret && p.previousSecretValidUntil && Date.parse(p.previousSecretValidUntil) > now.getTime()) out.push(p.previousSecret);
  return out;
}
