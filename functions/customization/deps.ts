import { systemClock } from '#commons/clock.ts';
import { newId } from '#commons/ids.ts';
import { metadataRegistry } from '../metadata/deps.ts';
import type { MetadataDeps } from './service.ts';
import { DynamoMetadataStore } from './store.ts';

let deps: MetadataDeps | undefined;
/** The metadata routes' dependencies: the writer, and the container's metadata cache (shared with the record service). */
export const metadataDeps = (): MetadataDeps => (deps ??= { store: new DynamoMetadataStore(), registry: metadataRegistry(), clock: systemClock, newId });
