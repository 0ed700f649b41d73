import type { ListContext } from './lists.ts';

/** Issue 10 — scoring: its `npm run bench` measurement (bench/marketing.ts runs it); undefined until the part lands. */
export interface ScoringBench { readonly markdown: string; readonly data: unknown }

export async function measureScoring(_c: ListContext): Promise<ScoringBench | undefined> {
  return undefined;
}
