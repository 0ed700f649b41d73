import * as z from 'zod/mini';
import { httpHandler, json } from '#commons/http.ts';
import type { ArticleHit } from '#schemas/article.ts';
import { language } from '#schemas/common.ts';
import { recordDeps } from '../records/deps.ts';
import { record } from '../records/handlers.ts';
import { etag, loadRecord, parse } from '../records/service.ts';
import { visibility } from '../records/visibility.ts';
import { supportAddressFor } from '../tickets/reply-mail.ts';
import { loadServiceDesk } from '../tickets/settings-store.ts';
import { articleEntity } from './entity.ts';
import { findArticles, MAX_WORDS } from './search.ts';
import { questionWords } from './words.ts';
import { articleRevisions, createArticle, languageVersions, publishArticle, unpublishArticle } from './service.ts';

/**
 * The knowledge base's routes (SVC-2, unit `service`): articles as records (list, read, edit, trash, audit,
 * timeline), their workflow (publish, unpublish or archive, revisions, language versions), search, and the
 * articles suggested for a ticket from its subject and description.
 */
const searchQuery = z.strictObject({
  q: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  language: z.optional(language),
  /** `published`: only what customers can be sent to (a link in a reply). */
  published: z.optional(z.enum(['true', 'false'])),
  limit: z.optional(z.string().check(z.regex(/^([1-9]|1[0-9]|20)$/, 'limit is a whole number from 1 to 20'))),
});
const unpublishBody = z.strictObject({ archive: z.optional(z.boolean()) });
const SUGGESTIONS = 5;

export const articleHandlers = {
  create: httpHandler(async ({ principal, body }) => {
    const a = await createArticle(principal, body, recordDeps());
    return json(201, a, { etag: etag(a.version), location: `/api/articles/${a.id}` });
  }),
  list: record.list(articleEntity),
  get: record.get(articleEntity),
  update: record.update(articleEntity),
  remove: record.remove(articleEntity),
  restore: record.restore(articleEntity),
  timeline: record.timeline(articleEntity),
  audit: record.audit(articleEntity),
  publish: httpHandler(async ({ principal, params, headers }) => {
    const a = await publishArticle(principal, params.id!, headers['if-match'], recordDeps());
    return json(200, a, { etag: etag(a.version) });
  }),
  unpublish: httpHandler(async ({ principal, params, headers, body }) => {
    const { archive } = parse(unpublishBody, body ?? {});
    const a = await unpublishArticle(principal, params.id!, archive === true, headers['if-match'], recordDeps());
    return json(200, a, { etag: etag(a.version) });
  }),
  revisions: httpHandler(async ({ principal, params }) => json(200, { items: await articleRevisions(principal, params.id!, recordDeps()) })),
  translations: httpHandler(async ({ principal, params }) => json(200, { items: await languageVersions(principal, params.id!, recordDeps()) })),

  /** GET /api/knowledge/search?q=&language=&published=: articles by the words of `q`, best first. */
  search: httpHandler(async ({ principal, query }) => {
    const input = parse(searchQuery, query);
    const deps = recordDeps();
    const vis = visibility(principal, deps);
    const { hits } = await findArticles(principal.tenantId, input.q, deps.store, {
      limit: input.limit ? Number(input.limit) : 20, published: input.published === 'true',
      ...(input.language ? { language: input.language } : {}),
      admit: (e) => vis.can('record:read', 'article', e),
    });
    return json(200, { items: hits });
  }),

  /**
   * GET /api/tickets/{id}/suggested-articles: published articles about what the ticket asks (its subject, then
   * its description), in the customer's language first, for the agent to read or link in a reply.
   */
  suggested: httpHandler(async ({ principal, params }) => {
    const deps = recordDeps();
    const ticket = await loadRecord({ type: 'ticket' }, principal, params.id!, deps);
    const settings = await loadServiceDesk(principal.tenantId);
    const contact = typeof ticket.contactId === 'string' ? await deps.store.get(principal.tenantId, 'contact', ticket.contactId) : undefined;
    const lang = contact?.language === 'en' || contact?.language === 'zh-CN' ? contact.language : supportAddressFor(settings, ticket)?.language ?? 'zh-CN';
    const vis = visibility(principal, deps);
    // The subject says what it is about; the description's words come after it.
    const description = typeof ticket.description === 'string' ? ticket.description.slice(0, 400) : '';
    const question = [...new Set([...questionWords(String(ticket.name ?? '')), ...questionWords(description)])].slice(0, MAX_WORDS).join(' ');
    const { hits } = await findArticles(principal.tenantId, question, deps.store, {
      limit: SUGGESTIONS, published: true, language: lang, admit: (e) => vis.can('record:read', 'article', e),
    });
    return json(200, { items: hits satisfies ArticleHit[], language: lang });
  }),
};
