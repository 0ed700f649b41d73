import type { SeedOwner } from './seed-records.ts';

/** Issue 10 — templates: what the demo tenant starts with (nothing until the part lands). */
export async function seedTemplates(_tenantId: string, _marketer: SeedOwner): Promise<void> {}
