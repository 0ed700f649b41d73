import * as z from 'zod/mini';
import { notFound } from '#commons/errors.ts';
import { httpHandler, json } from '#commons/http.ts';
import { language } from '#schemas/common.ts';
import { systemActor } from '../policy/policy.ts';
import { listRecords, parse } from '../records/service.ts';
import { portalOf } from '../portal/handlers.ts';
import { articleEntity } from './entity.ts';
import { findArticles, hitOf } from './search.ts';
import { currentRevision } from './service.ts';

/**
 * The knowledge base on the customer portal (SVC-3): published, public articles, without signing in (a
 * customer finds the answer before asking). Search ranks by the question's words in the reader's language
 * first; without a question the portal lists the articles by category. What a customer reads is the
 * published revision, never the working copy.
 */
const PUBLIC = { auth: false } as const;
const portalQuery = z.strictObject({
  q: z.optional(z.string().check(z.trim(), z.maxLength(200))),
  language: z.optional(language),
});
const BROWSE_LIMIT = 100;

export const portalArticles = {
  /** GET /api/portal/{tenant}/articles?q=&language=: search, or every published article (by category on the page). */
  search: httpHandler(async (req) => {
    const { tenantId, deps } = await portalOf(req);
    const input = parse(portalQuery, req.query);
    if (input.q) {
      const { hits } = await findArticles(tenantId, input.q, deps.store, { customer: true, limit: 20, ...(input.language ? { language: input.language } : {}) });
      return json(200, { items: hits });
    }
    const reader = systemActor(tenantId, 'portal', 'Portal');
    const page = await listRecords(articleEntity, reader, { 'where[status][eq]': 'published', 'where[visibility][neq]': 'internal', limit: String(BROWSE_LIMIT), sort: 'name' }, deps);
    // One version per article: the reader's language when it has one, else the one there is.
    const byGroup = new Map<string, (typeof page.items)[number]>();
    for (const a of page.items) {
      const group = String(a.translationOf ?? a.id);
      const kept = byGroup.get(group);
      if (!kept || (a.language === input.language && kept.language !== input.language)) byGroup.set(group, a);
    }
    const items = [...byGroup.values()].map((a) => hitOf(a, 0, true));
    return json(200, { items });
  }, PUBLIC),

  /** GET /api/portal/{tenant}/articles/{id}: the published revision, with its other language versions. */
  get: httpHandler(async (req) => {
    const { tenantId, deps } = await portalOf(req);
    const a = await deps.store.get(tenantId, 'article', req.params.id ?? '');
    if (!a || a.deletedAt || a.status !== 'published' || a.visibility === 'internal') throw notFound('No such article.');
    const revision = await currentRevision(tenantId, a, deps);
    if (!revision) throw notFound('No such article.');
    const rootId = typeof a.translationOf === 'string' ? a.translationOf : a.id;
    const [root, children] = await Promise.all([
      rootId === a.id ? a : deps.store.get(tenantId, 'article', rootId),
      deps.store.children(tenantId, 'article', rootId, 50, undefined, 'article'),
    ]);
    const versions = [root, ...children.items]
      .filter((v): v is NonNullable<typeof v> => Boolean(v) && v!.id !== a.id && !v!.deletedAt && v!.status === 'published' && v!.visibility !== 'internal')
      .map((v) => ({ id: String(v.id), language: String(v.language) }));
    return json(200, {
      id: a.id, title: revision.title, ...(revision.summary ? { summary: revision.summary } : {}), body: revision.body,
      ...(typeof a.category === 'string' ? { category: a.category } : {}), language: a.language, publishedAt: revision.publishedAt,
      revision: revision.revision, versions,
    });
  }, PUBLIC),
};
