import type { SeedOwner } from './seed-records.ts';

/** Issue 10 — scoring: what the demo tenant starts with (nothing until the part lands). */
export async function seedScoring(_tenantId: string, _marketer: SeedOwner): Promise<void> {}
