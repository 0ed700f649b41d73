import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { defaultMarketingSettings, marketingSettings, type MarketingSettings } from '#schemas/marketing/consent.ts';

/**
 * Settings → Marketing (issue 10): one item in the tenant's config partition (`T#t#config` / `marketing-settings`,
 * `settings`, `version`); the defaults (version 0) until an admin saves them. Campaigns read `sendRatePerSecond`.
 */
export class MarketingSettingsChanged extends Error {}

export async function loadMarketingSettings(tenantId: string): Promise<{ settings: MarketingSettings; version: number }> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.config(tenantId), sk: keys.marketingSettingsSk } }));
  if (!Item) return { settings: defaultMarketingSettings(), version: 0 };
  const parsed = marketingSettings.safeParse(Item.settings);
  const version = typeof Item.version === 'number' ? Item.version : 1;
  if (parsed.success) return { settings: parsed.data, version };
  await logger.error('unreadable marketing settings; using the defaults', { tenantId, issues: parsed.error.issues.length });
  return { settings: defaultMarketingSettings(), version };
}

/** Writes version `expected + 1` only while the stored version is still `expected` (If-Match). */
export async function saveMarketingSettings(tenantId: string, settings: MarketingSettings, expected: number, at: string, by: string): Promise<number> {
  const version = expected + 1;
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(),
      Item: { pk: keys.config(tenantId), sk: keys.marketingSettingsSk, entityType: 'marketing-settings', settings, version, updatedAt: at, updatedBy: by },
      ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':v': expected } }),
    }));
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new MarketingSettingsChanged();
    throw error;
  }
  return version;
}
