import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { defaultScoringSettings, scoringSettingsInput, type ScoringSettings } from '#schemas/marketing/scoring.ts';

/**
 * The scoring settings' items (docs/marketing/scoring.md): the current settings `T#t#scoring` / `settings`
 * with `version`, and every saved version `settings#v<n>` written in the same transaction (who, when, what).
 */
export class ScoringSettingsChanged extends Error {}

export interface StoredScoring {
  readonly settings: ScoringSettings;
  readonly version: number;
  readonly updatedAt?: string;
  readonly updatedBy?: { id: string; name: string };
}

export async function loadScoring(tenantId: string): Promise<StoredScoring> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.scoring(tenantId), sk: keys.scoringSettingsSk } }));
  if (!Item) return { settings: defaultScoringSettings(), version: 0 };
  const parsed = scoringSettingsInput.safeParse(Item.settings);
  const version = typeof Item.version === 'number' ? Item.version : 1;
  if (!parsed.success || parsed.data.rules.some((r) => !r.id)) {
    await logger.error('unreadable scoring settings; scoring with none', { tenantId });
    return { settings: defaultScoringSettings(), version };
  }
  return { settings: parsed.data as ScoringSettings, version, updatedAt: Item.updatedAt, updatedBy: Item.updatedBy };
}

/** Writes the settings as version `expected + 1` (and its copy in the history), only if the stored version is still `expected`. */
export async function saveScoring(tenantId: string, settings: ScoringSettings, expected: number, at: string, by: { id: string; name: string }): Promise<number> {
  const version = expected + 1;
  const body = { settings, version, updatedAt: at, updatedBy: by };
  try {
    await documentClient.send(new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(), Item: { pk: keys.scoring(tenantId), sk: keys.scoringSettingsSk, entityType: 'scoring-settings', ...body },
            ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :v', ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':v': expected } }),
          },
        },
        { Put: { TableName: tableName(), Item: { pk: keys.scoring(tenantId), sk: keys.scoringVersionSk(version), entityType: 'scoring-settings-version', ...body } } },
      ],
    }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) throw new ScoringSettingsChanged();
    throw error;
  }
  return version;
}

/** The saved versions, newest first (one Query). */
export async function scoringHistory(tenantId: string, limit = 20): Promise<StoredScoring[]> {
  const res = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': keys.scoring(tenantId), ':p': keys.scoringVersionPrefix }, ScanIndexForward: false, Limit: limit,
  }));
  return (res.Items ?? []).map((i) => ({ settings: i.settings as ScoringSettings, version: Number(i.version), updatedAt: i.updatedAt, updatedBy: i.updatedBy }));
}
