import type { ObjectDefinition } from '../metadata.ts';

/**
 * Issue 10 — campaigns: its standard object(s) as metadata (custom: false), listed by schemas/standard-objects.ts.
 * Build the definition here with a local field helper (importing standard-objects.ts would be a module cycle).
 */
export const campaignObjects: readonly ObjectDefinition[] = [];
