import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { defaultServiceDesk, serviceDeskSettings, type ServiceDeskSettings } from '#schemas/service-desk.ts';

/**
 * The tenant's service-desk settings: one configuration item (`serviceDeskSk`), or the product's defaults
 * (schemas/service-desk.ts) until an admin or the seed saves some. An item that no longer parses (written by
 * an older version) falls back to the defaults with an error logged, so tickets keep working.
 */
export async function loadServiceDesk(tenantId: string): Promise<ServiceDeskSettings> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.config(tenantId), sk: keys.serviceDeskSk } }));
  if (!Item) return defaultServiceDesk();
  const parsed = serviceDeskSettings.safeParse(Item.settings);
  if (parsed.success) return parsed.data;
  await logger.error('unreadable service-desk settings; using the defaults', { tenantId, issues: parsed.error.issues.length });
  return defaultServiceDesk();
}
