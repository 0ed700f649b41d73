import type { ArticleHit } from '#schemas/article.ts';
import type { StoredRecord } from '../records/entity.ts';
import type { SearchEntry } from '../records/search/entry.ts';
import { cleanToken } from '../records/search/tokenizer.ts';
import type { RecordStore } from '../records/store.ts';
import { questionWords } from './words.ts';

/**
 * Knowledge-base search (SVC-2): a question is split into its words (Chinese by its words, as records are
 * searched), each word is one Query of the articles' search tokens (prefix: "passw" finds password), and
 * articles are ranked by how many of the words they hold, then by the reader's language; the best are read
 * with one BatchGetItem. At most MAX_WORDS Queries, whatever the question.
 */
export const MAX_WORDS = 6;
const HITS_PER_WORD = 60;

export interface ArticleSearchOptions {
  /** Only what customers may read: published, public. */
  readonly customer?: boolean;
  /** Only published articles (suggestions on a ticket). */
  readonly published?: boolean;
  /** The reader's language: its versions rank first (the others still come). */
  readonly language?: string;
  /** Only this language. */
  readonly onlyLanguage?: string;
  readonly limit: number;
  /** Another filter on the token entries before any record is read (the caller's record visibility). */
  readonly admit?: (e: SearchEntry) => Promise<boolean> | boolean;
}

type Store = Pick<RecordStore, 'tokenHits' | 'getMany'>;

export async function findArticles(tenantId: string, q: string, store: Store, o: ArticleSearchOptions): Promise<{ hits: ArticleHit[]; records: Map<string, StoredRecord> }> {
  const words = questionWords(q, MAX_WORDS).map(cleanToken).filter(Boolean);
  if (words.length === 0 || !store.tokenHits || !store.getMany) return { hits: [], records: new Map() };
  const perWord = await Promise.all(words.map((w) => store.tokenHits!(tenantId, 'article', w, HITS_PER_WORD)));
  const matched = new Map<string, { entry: SearchEntry; words: number }>();
  for (const entries of perWord) {
    for (const e of entries) {
      if ((o.customer || o.published) && e.status !== 'published') continue;
      if (!o.customer && !o.published && e.status === 'archived') continue;
      const m = matched.get(e.id);
      if (m) m.words++;
      else matched.set(e.id, { entry: e, words: 1 });
    }
  }
  const candidates = [...matched.values()].sort((a, b) => b.words - a.words || a.entry.name.localeCompare(b.entry.name, 'zh'));
  const admitted: typeof candidates = [];
  for (const c of candidates) {
    if (admitted.length >= o.limit * 3) break;
    if (!o.admit || (await o.admit(c.entry))) admitted.push(c);
  }
  const records = await store.getMany(tenantId, 'article', admitted.map((c) => c.entry.id));
  const hits: ArticleHit[] = [];
  for (const c of admitted) {
    const r = records.get(c.entry.id);
    if (!r || r.deletedAt) continue;
    if (o.customer && (r.status !== 'published' || r.visibility === 'internal')) continue;
    if (o.onlyLanguage && r.language !== o.onlyLanguage) continue;
    hits.push(hitOf(r, c.words, o.customer || o.published));
  }
  hits.sort((a, b) => b.matched - a.matched || Number(b.language === o.language) - Number(a.language === o.language));
  return { hits: hits.slice(0, o.limit), records };
}

/** A hit as listed: the published title and summary when it is the published text that is shown. */
export function hitOf(r: StoredRecord, matched: number, published = false): ArticleHit {
  const title = published && typeof r.publishedTitle === 'string' ? r.publishedTitle : r.name;
  const summary = published ? r.publishedSummary : r.summary;
  return {
    id: r.id, title, ...(typeof summary === 'string' && summary ? { summary } : {}),
    ...(typeof r.category === 'string' ? { category: r.category } : {}),
    language: r.language === 'en' ? 'en' : 'zh-CN', status: (r.status ?? 'draft') as ArticleHit['status'],
    visibility: r.visibility === 'internal' ? 'internal' : 'public', matched,
  };
}
