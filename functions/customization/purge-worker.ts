import type { Context, EventBridgeEvent } from 'aws-lambda';
import { systemClock } from '#commons/clock.ts';
import { newId } from '#commons/ids.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { parseEvent } from '#contracts/events.ts';
import { MetadataRegistry } from '../metadata/custom-fields.ts';
import { DynamoMetadataReader } from '../metadata/store.ts';
import { runPurge, type PurgeOutcome } from './purge.ts';
import { DynamoPurgeStore } from './purge-store.ts';

let store: DynamoPurgeStore | undefined;
let registry: MetadataRegistry | undefined;

/**
 * EventBridge target of the `metadata-field-purge` rule (`metadata.field_purge_requested`, infra/declarations/events.ts):
 * runs or resumes the job the event names (functions/customization/purge.ts). A failed invocation is retried
 * from the job's last checkpoint; a second delivery finds the job done, or goes on from where it is.
 */
async function purgeFromEvent(event: EventBridgeEvent<string, unknown>, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<PurgeOutcome> {
  const { tenantId, data } = parseEvent(event.detail, ['metadata.field_purge_requested']);
  const outcome = await runPurge(tenantId, data.jobId, {
    store: (store ??= new DynamoPurgeStore()),
    registry: (registry ??= new MetadataRegistry(new DynamoMetadataReader(), systemClock)),
    clock: systemClock, newId,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...(typeof context?.getRemainingTimeInMillis === 'function' ? { remainingMs: () => context.getRemainingTimeInMillis() } : {}),
  });
  await logger.info('field purge', { tenantId, jobId: data.jobId, object: data.object, field: data.field, outcome });
  return outcome;
}

/** The Lambda handler: correlation id, tracing and metrics around purgeFromEvent. */
export const handler = withObservability(purgeFromEvent);
