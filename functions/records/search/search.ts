import * as z from 'zod/mini';
import { httpHandler, json } from '#commons/http.ts';
import { nameKey } from '#commons/keys.ts';
import type { Actor } from '../../policy/policy.ts';
import { DynamoRecordStore } from '../dynamo-store.ts';
import { recordDeps } from '../deps.ts';
import { parse } from '../service.ts';
import { visibility, type Visibility } from '../visibility.ts';
import type { SearchEntry } from './entry.ts';
import { searchPlan } from './tokenizer.ts';

/**
 * One search across the objects a caller may read (issue 7): `GET /api/search?q=` →
 * `{"items":[{"object":"contacts","id","name","subtitle"}]}`. One Query of each object's search-token
 * partition, in parallel; the token items carry what a result shows, so no record is read. Each hit is
 * asked of the policy (`record:read` with the hit's ownerId), then ranked: name starts with the query, then
 * a word of the name does, then everything else (an email, a phone's last digits, a word inside a Chinese
 * name); ties by name.
 */

/** The objects searched, as the API names them, and their record types. */
export const SEARCHED_OBJECTS = [
  { object: 'accounts', type: 'account' },
  { object: 'contacts', type: 'contact' },
  { object: 'leads', type: 'lead' },
  { object: 'opportunities', type: 'opportunity' },
] as const;

export const MAX_RESULTS = 20;
/** Custom objects searched besides the standard ones (each is one more Query per search), in metadata order. */
export const MAX_SEARCHED_CUSTOM_OBJECTS = 10;

export const searchQuery = z.strictObject({
  q: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
  limit: z.optional(z.string().check(z.regex(/^([1-9]|1[0-9]|20)$/, 'limit is a whole number from 1 to 20'))),
});

export interface SearchResult {
  readonly object: string;
  readonly id: string;
  readonly name: string;
  readonly subtitle?: string;
}

export interface SearchSource {
  searchEntries(tenantId: string, type: string, q: string, limit: number): Promise<SearchEntry[]>;
}

/** 0: the name starts with the query; 1: a word of it does; 2: any other match. */
export function rank(q: string, name: string): number {
  const key = nameKey(q);
  const n = nameKey(name);
  if (n.startsWith(key) || n.replace(/ /g, '').startsWith(key.replace(/ /g, ''))) return 0;
  if (n.split(' ').some((w) => w.startsWith(key))) return 1;
  return 2;
}

/**
 * `custom`: the tenant's searchable custom objects (`{object: 'c_projects', type}`), searched like the
 * standard ones (their records write the same token items), at most MAX_SEARCHED_CUSTOM_OBJECTS of them.
 */
export async function search(
  p: Actor, query: unknown, source: SearchSource, vis: Visibility = visibility(p, { store: {} }),
  custom: readonly { object: string; type: string }[] = [],
): Promise<{ items: SearchResult[] }> {
  const { q, limit } = parse(searchQuery, query);
  const max = limit ? Number(limit) : MAX_RESULTS;
  if (!searchPlan(q).prefix) return { items: [] };
  const objects = [...SEARCHED_OBJECTS, ...custom.slice(0, MAX_SEARCHED_CUSTOM_OBJECTS)];
  const perObject = await Promise.all(objects.map(async ({ object, type }, order) => {
    const entries = await source.searchEntries(p.tenantId, type, q, max);
    // Record visibility (CD-7): a hit the caller may not read is not there.
    const readable = await Promise.all(entries.map((e) => vis.can('record:read', type, e)));
    return entries
      .filter((_, i) => readable[i])
      .map((e) => ({ order, rank: rank(q, e.name), result: { object, id: e.id, name: e.name, ...(e.subtitle ? { subtitle: e.subtitle } : {}) } }));
  }));
  const items = perObject.flat()
    .sort((a, b) => a.rank - b.rank || a.result.name.localeCompare(b.result.name, 'zh') || a.order - b.order)
    .slice(0, max)
    .map((x) => x.result);
  return { items };
}

let store: DynamoRecordStore | undefined;
/** `GET /api/search` (unit `records`). */
export const searchHandler = httpHandler(async ({ principal, query }) => {
  const deps = recordDeps();
  const meta = deps.metadata?.tenant ? await deps.metadata.tenant(principal.tenantId) : undefined;
  const custom = (meta?.objects ?? []).filter((o) => o.active && o.searchable).map((o) => ({ object: o.apiName, type: o.recordType }));
  return json(200, await search(principal, query, (store ??= new DynamoRecordStore()), visibility(principal, deps), custom));
});
