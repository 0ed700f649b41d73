import type { ListContext } from './lists.ts';
import { measureCampaigns } from './marketing-campaigns.ts';
import { measureJourneys } from './marketing-journeys.ts';
import { measureScoring } from './marketing-scoring.ts';

/**
 * Marketing (issue 10) in `npm run bench` (BENCH_ONLY=marketing): a campaign send through the SES emulator
 * (messages per second, duplicates), a journey step's latency from its event to its action, and a score decay
 * pass per 1,000 leads — each part's own module, each next to its floor.
 */
export interface MarketingReport { readonly parts: { readonly name: string; readonly markdown: string; readonly data: unknown }[] }

export async function measureMarketing(c: ListContext): Promise<MarketingReport> {
  const parts: MarketingReport['parts'] = [];
  for (const [name, measure] of [['campaigns', measureCampaigns], ['journeys', measureJourneys], ['scoring', measureScoring]] as const) {
    c.log(`marketing: ${name}`);
    const r = await measure(c);
    if (r) parts.push({ name, ...r });
  }
  return { parts };
}

export function marketingMarkdown(r: MarketingReport): string {
  return r.parts.length ? `\n### Marketing\n\n${r.parts.map((p) => p.markdown).join('\n\n')}` : '';
}
