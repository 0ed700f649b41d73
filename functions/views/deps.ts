import { systemClock } from '#commons/clock.ts';
import { newId } from '#commons/ids.ts';
import { metadataRegistry } from '../metadata/deps.ts';
import { DynamoRecordStore } from '../records/dynamo-store.ts';
import type { ViewDeps } from './service.ts';
import { DynamoViewStore } from './store.ts';

let deps: ViewDeps | undefined;
/** The view routes' dependencies, one per container (after the runtime has set TABLE_NAME). */
export const viewDeps = (): ViewDeps => (deps ??= { views: new DynamoViewStore(), records: new DynamoRecordStore(), metadata: metadataRegistry(), clock: systemClock, newId });
