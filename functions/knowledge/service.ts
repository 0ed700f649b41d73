import { conflict, invalid, notFound, staleVersion } from '#commons/errors.ts';
import type { ArticleRevision } from '#schemas/article.ts';
import { assertCan, type Actor } from '../policy/policy.ts';
import type { StoredRecord } from '../records/entity.ts';
import { commitChange, createRecord, ifMatchHolds, loadForWrite, loadRecord, type RecordDeps } from '../records/service.ts';
import { contentHash, articleEntity as def } from './entity.ts';

/**
 * The knowledge base's workflow (SVC-2) over the record kernel: language versions, publishing into numbered
 * revisions (the revision is a history item `revision` in the article's partition, written in the same
 * transaction as the article's change, its audit entry and its `article.published` event), unpublishing and
 * archiving. Edits are ordinary record PATCHes of the working copy.
 */
export const REVISION_KIND = 'revision';
const revisionId = (n: number) => String(n).padStart(6, '0');

type Fields = Record<string, unknown>;

/**
 * POST /api/articles: a new article, or a translation of one (`translationOf`). A translation always names the
 * original (a translation of a translation is filed under the original) and is in another language than it;
 * a second version in the same language is refused by the kernel's unique guard (`translationKey`).
 */
export async function createArticle(p: Actor, body: unknown, deps: RecordDeps): Promise<StoredRecord> {
  const input = (body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Fields) } : body) as Fields;
  if (input && typeof input.translationOf === 'string') {
    const original = await deps.store.get(p.tenantId, 'article', input.translationOf);
    if (original && !original.deletedAt) {
      const root = typeof original.translationOf === 'string' ? await deps.store.get(p.tenantId, 'article', original.translationOf) : original;
      if (root && !root.deletedAt) {
        input.translationOf = root.id;
        if (input.language === root.language) {
          throw invalid([{ path: 'language', message: 'The original article is in this language; a translation is in another', code: 'same_language' }]);
        }
      }
    }
  }
  return createRecord(def, p, input, deps);
}

/** POST /api/articles/{id}/publish: the working copy becomes the next revision, which customers read. */
export async function publishArticle(p: Actor, id: string, ifMatch: string | undefined, deps: RecordDeps): Promise<StoredRecord> {
  assertCan(p, 'article:publish', { type: 'article' });
  const current = await loadForWrite(def, p, id, deps);
  if (!ifMatchHolds(ifMatch, current.version)) throw staleVersion('Someone else changed this article; reload it.', current.version, current);
  if (current.deletedAt) throw conflict('This article is deleted; restore it before publishing it.');
  if (typeof current.body !== 'string' || current.body.trim() === '') {
    throw invalid([{ path: 'body', message: 'Write the article before publishing it', code: 'required' }]);
  }
  // Publishing what is already published changes nothing (a double click, a retried request).
  if (current.status === 'published' && current.changedSincePublish === false) return current;
  const now = deps.clock();
  const at = now.toISOString();
  const revision = Number(current.publishedRevision ?? 0) + 1;
  const by = { id: p.userId, name: p.name };
  const published: ArticleRevision = {
    revision, title: String(current.title), ...(typeof current.summary === 'string' ? { summary: current.summary } : {}),
    body: current.body, publishedAt: at, publishedBy: by,
  };
  const merged: Fields = {
    ...current, status: 'published', publishedRevision: revision, publishedAt: at, publishedBy: by,
    publishedTitle: published.title, publishedSummary: published.summary, publishedHash: contentHash(current),
  };
  if (published.summary === undefined) delete merged.publishedSummary;
  return commitChange(def, p, current, merged, deps, {
    verb: 'published', timelineType: 'article-published', timelineData: { revision },
    history: [{ kind: REVISION_KIND, id: revisionId(revision), at, data: { ...published } }],
  });
}

/** POST /api/articles/{id}/unpublish `{"archive"?}`: customers no longer see it; archived is kept out of the agents' lists too. */
export async function unpublishArticle(p: Actor, id: string, archive: boolean, ifMatch: string | undefined, deps: RecordDeps): Promise<StoredRecord> {
  assertCan(p, 'article:publish', { type: 'article' });
  const current = await loadForWrite(def, p, id, deps);
  if (!ifMatchHolds(ifMatch, current.version)) throw staleVersion('Someone else changed this article; reload it.', current.version, current);
  if (current.deletedAt) throw conflict('This article is deleted.');
  const status = archive ? 'archived' : 'draft';
  if (current.status === status) return current;
  return commitChange(def, p, current, { ...current, status }, deps, {
    verb: 'unpublished', timelineType: archive ? 'article-archived' : 'article-unpublished',
  });
}

/** GET /api/articles/{id}/revisions: the published revisions, newest first, with their text. */
export async function articleRevisions(p: Actor, id: string, deps: RecordDeps): Promise<ArticleRevision[]> {
  await loadRecord(def, p, id, deps);
  const entries = (await deps.store.history?.(p.tenantId, 'article', id, REVISION_KIND, 100)) ?? [];
  return entries.map((e) => e.data as unknown as ArticleRevision);
}

/** The revision customers read: the newest one of a published article. */
export async function currentRevision(tenantId: string, article: StoredRecord, deps: RecordDeps): Promise<ArticleRevision | undefined> {
  if (article.status !== 'published') return undefined;
  const [latest] = (await deps.store.history?.(tenantId, 'article', article.id, REVISION_KIND, 1)) ?? [];
  return latest?.data as unknown as ArticleRevision | undefined;
}

export interface LanguageVersion { id: string; title: string; language: string; status: string; publishedRevision?: number; original: boolean }

/** GET /api/articles/{id}/translations: every language version of the article (its original's partition: one Query). */
export async function languageVersions(p: Actor, id: string, deps: RecordDeps): Promise<LanguageVersion[]> {
  const article = await loadRecord(def, p, id, deps);
  const rootId = typeof article.translationOf === 'string' ? article.translationOf : article.id;
  const [root, children] = await Promise.all([
    rootId === article.id ? article : deps.store.get(p.tenantId, 'article', rootId),
    deps.store.children(p.tenantId, 'article', rootId, 50, undefined, 'article'),
  ]);
  const version = (r: Fields, original: boolean): LanguageVersion => ({
    id: String(r.id), title: String(r.name ?? ''), language: String(r.language ?? ''), status: String(r.status ?? 'draft'),
    ...(typeof r.publishedRevision === 'number' ? { publishedRevision: r.publishedRevision } : {}), original,
  });
  if (!root) throw notFound('No such article.');
  return [version(root, true), ...children.items.filter((c) => !c.deletedAt).map((c) => version(c, false))];
}
