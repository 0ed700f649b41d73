import type { ListContext } from './lists.ts';

/** Issue 10 — campaigns: its `npm run bench` measurement (bench/marketing.ts runs it); undefined until the part lands. */
export interface CampaignsBench { readonly markdown: string; readonly data: unknown }

export async function measureCampaigns(_c: ListContext): Promise<CampaignsBench | undefined> {
  return undefined;
}
