import type { ObjectDefinition } from '../metadata.ts';

/**
 * Issue 10 — templates: its standard object(s) as metadata (custom: false), listed by schemas/standard-objects.ts.
 * Build the definition here with a local field helper (importing standard-objects.ts would be a module cycle).
 */
export const templateObjects: readonly ObjectDefinition[] = [];
