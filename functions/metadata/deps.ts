import { systemClock } from '#commons/clock.ts';
import { MetadataRegistry } from './custom-fields.ts';
import { DynamoMetadataReader } from './store.ts';

let registry: MetadataRegistry | undefined;
/** The container's metadata cache (one per container, shared by the record service and the metadata routes). */
export const metadataRegistry = (): MetadataRegistry => (registry ??= new MetadataRegistry(new DynamoMetadataReader(), systemClock));
