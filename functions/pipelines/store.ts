import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { documentClient, tableName } from '#commons/dynamo.ts';
import { keys } from '#commons/keys.ts';
import { DEFAULT_PIPELINE, stage, type Pipeline } from '#schemas/pipeline.ts';
import { defineCodec } from '../records/storage/codec.ts';

/**
 * Pipelines (SFA-4), quotas and the forecast settings are tenant configuration items (`T#<t>#config`,
 * docs/data-model.md "Pipelines and forecast"): a pipeline is one item, so a reorder of its stages is atomic;
 * the default pipeline is served from code until an admin changes it.
 */
const localized = z.object({ en: z.string(), 'zh-CN': z.string() });
export const pipelineCodec = defineCodec<Pipeline, { tenantId: string }>({
  entityType: 'pipeline',
  schema: z.object({
    id: z.string(), name: localized, stages: z.array(stage), version: z.int(),
    updatedAt: z.optional(z.string()), updatedBy: z.optional(z.string()),
  }) as unknown as z.ZodMiniType<Pipeline>,
  key: (p, { tenantId }) => ({ pk: keys.config(tenantId), sk: keys.pipelineSk(p.id) }),
});

export interface Quota { userId: string; period: string; amount: number; currency: string; updatedAt: string; updatedBy: string }
export const quotaCodec = defineCodec<Quota, { tenantId: string }>({
  entityType: 'quota',
  schema: z.object({ userId: z.string(), period: z.string(), amount: z.int(), currency: z.string(), updatedAt: z.string(), updatedBy: z.string() }),
  key: (q, { tenantId }) => ({ pk: keys.config(tenantId), sk: keys.quotaSk(q.period, q.userId) }),
});

/** The tenant's reporting currency and the rates the forecast converts with (1 `base` = `rate` `quote`). */
export interface ForecastSettings {
  currency: string;
  rates: { base: string; quote: string; rate: number; asOf: string }[];
  /** The weekly forecast email (AN-7): day, wall-clock time and time zone of the tenant. */
  email: { enabled: boolean; day: WeekDay; time: string; timeZone: string };
}
export const WEEK_DAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type WeekDay = (typeof WEEK_DAYS)[number];
const DEFAULT_EMAIL: ForecastSettings['email'] = { enabled: true, day: 'MON', time: '08:00', timeZone: 'Asia/Shanghai' };
export const DEFAULT_FORECAST_SETTINGS: ForecastSettings = {
  currency: 'CNY',
  rates: [
    { base: 'USD', quote: 'CNY', rate: 7.1, asOf: '2026-12-01' },
    { base: 'EUR', quote: 'CNY', rate: 7.75, asOf: '2026-12-01' },
    { base: 'HKD', quote: 'CNY', rate: 0.91, asOf: '2026-12-01' },
    { base: 'JPY', quote: 'CNY', rate: 0.047, asOf: '2026-12-01' },
  ],
  email: { enabled: true, day: 'MON', time: '08:00', timeZone: 'Asia/Shanghai' },
};
export const forecastSettingsCodec = defineCodec<ForecastSettings, { tenantId: string }>({
  entityType: 'forecast-settings',
  schema: z.object({
    currency: z.string(), rates: z.array(z.object({ base: z.string(), quote: z.string(), rate: z.number(), asOf: z.string() })),
    email: z._default(z.object({ enabled: z.boolean(), day: z.enum(WEEK_DAYS), time: z.string(), timeZone: z.string() }), DEFAULT_EMAIL),
  }),
  key: (_s, { tenantId }) => ({ pk: keys.config(tenantId), sk: keys.forecastSettingsSk }),
});

/** Every pipeline of the tenant (one Query), the default first. */
export async function loadPipelines(tenantId: string): Promise<Pipeline[]> {
  const { Items } = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': keys.config(tenantId), ':p': keys.pipelinePrefix },
  }));
  const stored = (Items ?? []).map((i) => pipelineCodec.decode(i));
  const all = stored.some((p) => p.id === DEFAULT_PIPELINE.id) ? stored : [DEFAULT_PIPELINE, ...stored];
  return all.sort((a, b) => (a.id === DEFAULT_PIPELINE.id ? -1 : b.id === DEFAULT_PIPELINE.id ? 1 : a.id.localeCompare(b.id)));
}

/** Saves a pipeline if nobody saved it since `expectedVersion` (0: not stored yet); undefined when someone did. */
export async function savePipeline(tenantId: string, pipeline: Pipeline, expectedVersion: number): Promise<Pipeline | undefined> {
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(), Item: pipelineCodec.encode(pipeline, { tenantId }),
      ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
    }));
    return pipeline;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

export async function loadQuotas(tenantId: string, period: string): Promise<Quota[]> {
  const { Items } = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': keys.config(tenantId), ':p': keys.quotaPrefix(period) },
  }));
  return (Items ?? []).map((i) => quotaCodec.decode(i));
}

export async function saveQuota(tenantId: string, quota: Quota): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: quotaCodec.encode(quota, { tenantId }) }));
}

export async function saveForecastSettings(tenantId: string, settings: ForecastSettings): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName(), Item: forecastSettingsCodec.encode(settings, { tenantId }) }));
}

/**
 * Claims the weekly email of one manager for one send (`sendKey`: the tenant-local date it is for) before it
 * is sent: a second firing of the same schedule finds the claim and sends nothing (at most once, as email is).
 */
export async function claimForecastMail(tenantId: string, sendKey: string, managerId: string, at: string): Promise<boolean> {
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(),
      Item: { pk: keys.config(tenantId), sk: keys.forecastMailSk(sendKey, managerId), entityType: 'forecast-mail', at, expiresAt: Math.floor(Date.parse(at) / 1000) + 90 * 86400 },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export async function loadForecastSettings(tenantId: string): Promise<ForecastSettings> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName(), Key: { pk: keys.config(tenantId), sk: keys.forecastSettingsSk } }));
  return Item ? forecastSettingsCodec.decode(Item) : DEFAULT_FORECAST_SETTINGS;
}

// --- weekly snapshots of the forecast (the trend against last week) --------------------------------------

/** A period's aggregate items as they were on one tenant-local date (the Monday email's firing). */
export interface ForecastSnapshot { period: string; date: string; takenAt: string; items: Record<string, unknown>[] }

/**
 * Keeps the period's aggregate items as they are now, once per tenant-local date (a second firing that day
 * keeps the first). A few dozen small items (owners × pipelines × currencies), so one item holds them.
 */
export async function saveForecastSnapshot(tenantId: string, s: ForecastSnapshot): Promise<void> {
  try {
    await documentClient.send(new PutCommand({
      TableName: tableName(),
      Item: { pk: keys.aggregate(tenantId, 'forecast-snapshot'), sk: keys.forecastSnapshotSk(s.period, s.date), entityType: 'forecast-snapshot', ...s },
      ConditionExpression: 'attribute_not_exists(pk)',
    }));
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** The period's snapshots, newest first (at most `limit`): one Query. */
export async function loadForecastSnapshots(tenantId: string, period: string, limit: number): Promise<ForecastSnapshot[]> {
  const res = await documentClient.send(new QueryCommand({
    TableName: tableName(), KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: { ':pk': keys.aggregate(tenantId, 'forecast-snapshot'), ':p': `${period}#` }, ScanIndexForward: false, Limit: limit,
  }));
  return (res.Items ?? []).map((i) => ({ period: String(i.period), date: String(i.date), takenAt: String(i.takenAt), items: (i.items ?? []) as Record<string, unknown>[] }));
}
