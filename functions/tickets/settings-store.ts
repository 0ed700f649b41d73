import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from '#commons/dynamo.ts';
import type { FieldError } from '#commons/errors.ts';
import { keys } from '#commons/keys.ts';
import { logger } from '#commons/logger.ts';
import { defaultServiceDesk, serviceDeskSettings, type ServiceDeskSettings } from '#schemas/service-desk.ts';

/**
 * The tenant's service-desk settings: one configuration item (`serviceDeskSk`), or the product's defaults
 * (schemas/service-desk.ts) until an admin or the seed saves some. An item that no longer parses (written by
 * an older version) falls back to the defaults with an error logged, so tickets keep working.
 */
export async function loadServiceDesk(tenantId: string): Promise<ServiceDeskSettings> {
  return (await loadServiceDeskItem(tenantId)).settings;
}

/** The settings with their version (0: the defaults, never saved). */
export async function loadServiceDeskItem(tenantId: string): Promise<{ settings: ServiceDeskSettings; version: number }> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.config(tenantId), sk: keys.serviceDeskSk } }));
  if (!Item) return { settings: defaultServiceDesk(), version: 0 };
  const parsed = serviceDeskSettings.safeParse(Item.settings);
  const version = typeof Item.version === 'number' ? Item.version : 1;
  if (parsed.success) return { settings: parsed.data, version };
  await logger.error('unreadable service-desk settings; using the defaults', { tenantId, issues: parsed.error.issues.length });
  return { settings: defaultServiceDesk(), version };
}

/**
 * What the schema cannot see: every id a setting names must exist (a policy's calendar, a rule's or an
 * address's queue, the default queue, the breach queue), ids are unique per kind, and an address is given once.
 */
export function referenceErrors(s: ServiceDeskSettings): FieldError[] {
  const errors: FieldError[] = [];
  const calendars = new Set(s.calendars.map((c) => c.id));
  const queues = new Set(s.queues.map((q) => q.id));
  const unknown = (path: string, what: string) => errors.push({ path, message: `No ${what} has this id`, code: 'unknown_reference' });
  for (const [kind, list] of [['calendars', s.calendars], ['slaPolicies', s.slaPolicies], ['queues', s.queues], ['routingRules', s.routingRules], ['macros', s.macros]] as const) {
    const seen = new Set<string>();
    list.forEach((x, i) => {
      if (seen.has(x.id)) errors.push({ path: `${kind}.${i}.id`, message: 'Another item has this id', code: 'duplicate' });
      seen.add(x.id);
    });
  }
  s.slaPolicies.forEach((p, i) => {
    if (!calendars.has(p.calendarId)) unknown(`slaPolicies.${i}.calendarId`, 'calendar');
    if (p.onBreach.reassignToQueue && !queues.has(p.onBreach.reassignToQueue)) unknown(`slaPolicies.${i}.onBreach.reassignToQueue`, 'queue');
  });
  s.routingRules.forEach((r, i) => { if (!queues.has(r.queueId)) unknown(`routingRules.${i}.queueId`, 'queue'); });
  const addresses = new Set<string>();
  s.supportAddresses.forEach((a, i) => {
    if (a.queueId && !queues.has(a.queueId)) unknown(`supportAddresses.${i}.queueId`, 'queue');
    const key = a.address.toLowerCase();
    if (addresses.has(key)) errors.push({ path: `supportAddresses.${i}.address`, message: 'This address is listed twice', code: 'duplicate' });
    if (key.includes('+')) errors.push({ path: `supportAddresses.${i}.address`, message: 'A support address cannot contain "+": replies use address+ticket', code: 'invalid_format' });
    addresses.add(key);
  });
  if (!queues.has(s.defaultQueueId)) unknown('defaultQueueId', 'queue');
  if (s.calendars.length === 0) errors.push({ path: 'calendars', message: 'At least one calendar is needed', code: 'too_small' });
  return errors;
}

export class SettingsChanged extends Error {}
/** A support address is another tenant's already. */
export class AddressTaken extends Error {
  constructor(readonly address: string) {
    super(`${address} is used by another workspace`);
  }
}

/**
 * Saves the settings as version `expected + 1`, in one transaction with the mail routes of its support
 * addresses: an address added is claimed for the tenant (refused when another tenant has it), one removed is
 * released. Throws SettingsChanged when someone saved first, AddressTaken when an address is not free.
 */
export async function saveServiceDesk(tenantId: string, next: ServiceDeskSettings, previous: ServiceDeskSettings, expected: number, at: string): Promise<number> {
  const before = new Set(previous.supportAddresses.map((a) => a.address.toLowerCase()));
  const after = new Set(next.supportAddresses.map((a) => a.address.toLowerCase()));
  const added = [...after].filter((a) => !before.has(a));
  const removed = [...before].filter((a) => !after.has(a));
  const version = expected + 1;
  try {
    await documentClient.send(new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: tableName(), Item: { pk: keys.config(tenantId), sk: keys.serviceDeskSk, entityType: 'service-desk', settings: next, version, updatedAt: at },
            ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'version = :v', ...(expected === 0 ? {} : { ExpressionAttributeValues: { ':v': expected } }),
          },
        },
        ...added.map((a) => ({
          Put: {
            TableName: tableName(), Item: { pk: keys.route('mail', a), sk: keys.routeSk, entityType: 'route', tenantId },
            ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :t', ExpressionAttributeValues: { ':t': tenantId },
          },
        })),
        ...removed.map((a) => ({
          Delete: { TableName: tableName(), Key: { pk: keys.route('mail', a), sk: keys.routeSk }, ConditionExpression: 'attribute_not_exists(pk) OR tenantId = :t', ExpressionAttributeValues: { ':t': tenantId } },
        })),
      ],
    }));
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new SettingsChanged();
      const taken = added.find((_, i) => reasons[1 + i]?.Code === 'ConditionalCheckFailed');
      if (taken) throw new AddressTaken(taken);
    }
    throw error;
  }
  return version;
}
