import type { ArticleHit, ArticleRevision, ArticleStatus } from '#schemas/article.ts';
import { api } from './http';

/** Typed calls of the knowledge base (issue 9, SVC-2): articles, publishing, revisions, language versions, search. */
export type { ArticleHit, ArticleRevision, ArticleStatus };

export interface ArticleRecord {
  id: string;
  name: string;
  title: string;
  summary?: string;
  body?: string;
  category?: string;
  language: 'zh-CN' | 'en';
  visibility: 'public' | 'internal';
  keywords?: string[];
  translationOf?: string;
  translationOfTitle?: string;
  status: ArticleStatus;
  publishedRevision?: number;
  publishedAt?: string;
  changedSincePublish?: boolean;
  version: number;
  ownerId: string;
  updatedAt: string;
}
export interface LanguageVersion { id: string; title: string; language: string; status: string; publishedRevision?: number; original: boolean }
export type ArticleInput = Partial<Pick<ArticleRecord, 'title' | 'summary' | 'body' | 'category' | 'language' | 'visibility' | 'keywords' | 'translationOf'>>;

const v = (version: number) => ({ 'if-match': `"${version}"` });
const path = (id: string) => `/api/articles/${encodeURIComponent(id)}`;

const data = <T>(p: Promise<{ data: T }>) => p.then((r) => r.data);

export const knowledgeApi = {
  list: () => data(api.get<{ items: ArticleRecord[]; nextCursor: string | null }>('/api/articles', { limit: '100', sort: 'name' })),
  get: (id: string) => data(api.get<ArticleRecord>(path(id))),
  create: (body: ArticleInput) => data(api.post<ArticleRecord>('/api/articles', body)),
  update: (id: string, version: number, body: Record<string, unknown>) => data(api.patch<ArticleRecord>(path(id), body, v(version))),
  remove: (id: string, version: number) => api.del(path(id), v(version)),
  publish: (id: string, version: number) => data(api.post<ArticleRecord>(`${path(id)}/publish`, undefined, v(version))),
  unpublish: (id: string, version: number, archive = false) => data(api.post<ArticleRecord>(`${path(id)}/unpublish`, archive ? { archive: true } : {}, v(version))),
  revisions: (id: string) => data(api.get<{ items: ArticleRevision[] }>(`${path(id)}/revisions`)),
  translations: (id: string) => data(api.get<{ items: LanguageVersion[] }>(`${path(id)}/translations`)),
  search: (q: string, options: { language?: string; published?: boolean } = {}) =>
    data(api.get<{ items: ArticleHit[] }>('/api/knowledge/search', { q, ...(options.language ? { language: options.language } : {}), ...(options.published ? { published: 'true' } : {}) })),
  suggested: (ticketId: string) => data(api.get<{ items: ArticleHit[]; language: string }>(`/api/tickets/${encodeURIComponent(ticketId)}/suggested-articles`)),
};

/** Where a customer reads an article: the portal's page of it. */
export const portalArticleUrl = (tenant: string, id: string) => `${window.location.origin}/portal/${encodeURIComponent(tenant)}/articles/${encodeURIComponent(id)}`;
