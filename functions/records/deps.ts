import { systemClock } from '#commons/clock.ts';
import { newId } from '#commons/ids.ts';
import { metadataRegistry } from '../metadata/deps.ts';
import { sharingRegistry } from '../metadata/sharing.ts';
import { DynamoRecordStore } from './dynamo-store.ts';
import type { RecordDeps } from './service.ts';

let deps: RecordDeps | undefined;
/** One record store per container, created on first use (after the runtime has set TABLE_NAME). */
export const recordDeps = (): RecordDeps => (deps ??= { store: new DynamoRecordStore(), clock: systemClock, newId, metadata: metadataRegistry(), sharing: sharingRegistry(systemClock) });
