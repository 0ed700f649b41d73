import type { SeedOwner } from './seed-records.ts';

/**
 * The demo tenant's marketing (issue 10): each part seeds its own (a template, scoring rules, …) from
 * infra/local/seed-marketing-<part>.ts; `npm start` runs this after the records.
 */
export async function seedMarketing(tenantId: string, marketer: SeedOwner): Promise<void> {
  const parts = [
    () => import('./seed-marketing-templates.ts').then((m) => m.seedTemplates(tenantId, marketer)),
    () => import('./seed-marketing-scoring.ts').then((m) => m.seedScoring(tenantId, marketer)),
    () => import('./seed-marketing-consent.ts').then((m) => m.seedConsent(tenantId, marketer)),
  ];
  for (const part of parts) await part();
}
