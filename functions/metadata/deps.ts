import { systemClock } from '#commons/clock.ts';
import { newId } from '#commons/ids.ts';
import { MetadataRegistry } from './custom-fields.ts';
import type { MetadataDeps } from './service.ts';
import { DynamoMetadataStore } from './store.ts';

let registry: MetadataRegistry | undefined;
/** The container's metadata cache (one per container, shared by the record service and the metadata routes). */
export const metadataRegistry = (): MetadataRegistry => (registry ??= new MetadataRegistry(new DynamoMetadataStore(), systemClock));

let deps: MetadataDeps | undefined;
export const metadataDeps = (): MetadataDeps => (deps ??= { store: new DynamoMetadataStore(), registry: metadataRegistry(), clock: systemClock, newId });
