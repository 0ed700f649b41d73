import type { ListContext } from './lists.ts';

/** Issue 10 — journeys: its `npm run bench` measurement (bench/marketing.ts runs it); undefined until the part lands. */
export interface JourneysBench { readonly markdown: string; readonly data: unknown }

export async function measureJourneys(_c: ListContext): Promise<JourneysBench | undefined> {
  return undefined;
}
