import type { SeedOwner } from './seed-records.ts';

/** Issue 10 — consent: what the demo tenant starts with (nothing until the part lands). */
export async function seedConsent(_tenantId: string, _marketer: SeedOwner): Promise<void> {}
