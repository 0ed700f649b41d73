import { systemClock } from '#commons/clock.ts';
import { newId } from '#commons/ids.ts';
import { metadataRegistry } from '../metadata/deps.ts';
import { sharingRegistry } from '../metadata/sharing.ts';
import type { SharingDeps } from './service.ts';
import { DynamoSharingStore } from './store.ts';

let deps: SharingDeps | undefined;
/** The sharing routes' dependencies: the writer, the container's sharing and metadata caches (shared with the record service). */
export const sharingDeps = (): SharingDeps => (deps ??= { store: new DynamoSharingStore(), registry: sharingRegistry(systemClock), clock: systemClock, newId, metadata: metadataRegistry() });
