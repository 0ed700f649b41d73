import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { defaultNpsSettings, npsSettings, type NpsRoundResult, type NpsSettings } from '#schemas/nps.ts';

/**
 * The NPS program's items (docs/data-model.md, "NPS"):
 * - the settings: `T#t#config` / `nps-settings` (`settings`, `version`; the defaults until one is saved);
 * - a round's checkpoint: `T#t#config` / `nps-round#<roundId>` (cursor of the segment's list, counts, status);
 * - per contact, in the tenant's mail-reference partition `T#t#mailref`: the claim of one round's email
 *   `nps#<roundId>#<contactId>` (written before SES is called: at most once per round and contact) and the
 *   last survey sent `nps-last#<contactId>` (`at`, `roundId`: the "not again within N days" rule), both in one
 *   transaction.
 */
export const NPS_SETTINGS_SK = 'nps-settings';
export const npsRoundSk = (roundId: string) => `nps-round#${roundId}`;
export const npsClaimSk = (roundId: string, contactId: string) => `nps#${roundId}#${contactId}`;
export const npsLastSk = (contactId: string) => `nps-last#${contactId}`;

export class NpsSettingsChanged extends Error {}

/** The settings with their version (0: the defaults, never saved). */
export async function loadNpsSettings(tenantId: string): Promise<{ settings: NpsSettings; version: number }> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.config(tenantId), sk: NPS_SETTINGS_SK } }));
  if (!Item) return { settings: defaultNpsSettings(), version: 0 };
  const parsed = npsSettings.safeParse(Item.settings);
  const version = typeof Item.version === 'number' ? Item.version : 1;
  if (parsed.success) return { settings: parsed.data, version };
  await logger.error('unreadable NPS settings; using the defaults', { tenantId, issues: parsed.error.issues.length });
  return { settings: defaultNpsSettings(), version };
}

/** Writes the settings as version `expected + 1`, only if the stored version is still `expected`. */
export async function saveNpsSettings(tenantId: string, settings: NpsSettings, expected: number, at: string): Promise<number> {
  const version = expected + 1;
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(), Item: { pk: keys.config(tenantId), sk: NPS_SETTINGS_SK, entityType: 'nps-settings', settings, version, updatedAt: at },
      ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :v', ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':v': expected } }),
    }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new NpsSettingsChanged();
    throw error;
  }
  return version;
}

export interface RoundCheckpoint {
  roundId: string;
  status: 'running' | 'done';
  cursor?: string;
  sent: number;
  skipped: NpsRoundResult['skipped'];
  startedAt: string;
  updatedAt: string;
}

export async function loadRound(tenantId: string, roundId: string): Promise<RoundCheckpoint | undefined> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.config(tenantId), sk: npsRoundSk(roundId) }, ConsistentRead: true }));
  if (!Item) return undefined;
  const { pk: _p, sk: _s, entityType: _e, ...rest } = Item;
  return rest as RoundCheckpoint;
}

export async function saveRound(tenantId: string, round: RoundCheckpoint): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: { pk: keys.config(tenantId), sk: npsRoundSk(round.roundId), entityType: 'nps-round', ...round } }));
}

export interface LastSurvey { at: string; roundId: string }

/** The last survey sent to each of these contacts (a page of a round: at most 100). */
export async function lastSurveys(tenantId: string, contactIds: readonly string[]): Promise<Map<string, LastSurvey>> {
  const out = new Map<string, LastSurvey>();
  for (let i = 0; i < contactIds.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = {
      [tableName()]: { Keys: contactIds.slice(i, i + 100).map((id) => ({ pk: keys.mailRefs(tenantId), sk: npsLastSk(id) })) },
    };
    for (let attempt = 0; request && Object.keys(request).length && attempt < 5; attempt++) {
      const res = await documentClient.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of res.Responses?.[tableName()] ?? []) out.set(String(item.sk).slice('nps-last#'.length), { at: String(item.at), roundId: String(item.roundId) });
      request = res.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/**
 * Claims this round's email to a contact and records it as their last survey, in one transaction; false when
 * the round had claimed it already (send nothing).
 */
export async function claimSurvey(tenantId: string, roundId: string, contactId: string, at: string): Promise<boolean> {
  try {
    await documentClient.send(new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName(), Item: { pk: keys.mailRefs(tenantId), sk: npsClaimSk(roundId, contactId), entityType: 'nps-send', at }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: tableName(), Item: { pk: keys.mailRefs(tenantId), sk: npsLastSk(contactId), entityType: 'nps-last', at, roundId } } },
      ],
    }));
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw error;
  }
}

/** SES refused the email (nothing was sent): the claim goes and the contact's last survey is what it was before. */
export async function releaseSurvey(tenantId: string, roundId: string, contactId: string, previous: LastSurvey | undefined): Promise<void> {
  await documentClient.send(new DeleteCommand({ TableName: tableName(), Key: { pk: keys.mailRefs(tenantId), sk: npsClaimSk(roundId, contactId) } }));
  if (previous) await documentClient.send(new PutCommand({ TableName: tableName(), Item: { pk: keys.mailRefs(tenantId), sk: npsLastSk(contactId), entityType: 'nps-last', ...previous } }));
  else await documentClient.send(new DeleteCommand({ TableName: tableName(), Key: { pk: keys.mailRefs(tenantId), sk: npsLastSk(contactId) } }));
}
