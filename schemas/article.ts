import * as z from 'zod/mini';
import { id, language, longText, recordMeta, shortText, tags } from './common.ts';

/**
 * SVC-2 knowledge-base articles. One record per language version: a translation names the article it
 * translates (`translationOf`), and the versions of one article share its group (the original's id). The
 * record holds the working copy (title, summary, body in Markdown); publishing copies it into a numbered
 * revision in the article's partition, which is what customers read; later edits are a draft of the next
 * revision until it is published (`changedSincePublish`).
 */
export const ARTICLE_STATUSES = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];
export const ARTICLE_VISIBILITIES = ['public', 'internal'] as const;
/** Markdown, at most this many characters (an article and its audit entry stay far inside DynamoDB's item size). */
export const MAX_ARTICLE_BODY = 20000;

const articleFields = {
  title: shortText(200),
  summary: z.optional(longText(500)),
  body: z.optional(longText(MAX_ARTICLE_BODY)),
  category: z.optional(shortText(60)),
  language,
  /** The article this one is a translation of (another language version of the same article). */
  translationOf: z.optional(id),
  /** `public`: customers find it on the portal once published; `internal`: agents only. */
  visibility: z.optional(z.enum(ARTICLE_VISIBILITIES)),
  /** Words authors add so it is found by them (synonyms, product names, error codes). */
  keywords: z.optional(tags),
  ownerId: z.optional(id),
};

export const articleCreate = z.strictObject({ ...articleFields, language: z.optional(language) });
export const articleUpdate = z.strictObject(
  Object.fromEntries(Object.entries(articleFields).map(([k, v]) => [k, k === 'title' || k === 'language' ? z.optional(v) : z.optional(z.nullable(v))])) as {
    [K in keyof typeof articleFields]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof articleFields)[K]>>;
  },
);

export const article = z.object({
  ...articleFields, ...recordMeta,
  status: z.enum(ARTICLE_STATUSES),
  publishedRevision: z.optional(z.number()),
  publishedAt: z.optional(z.string()),
  publishedTitle: z.optional(z.string()),
  publishedSummary: z.optional(z.string()),
  changedSincePublish: z.optional(z.boolean()),
});
export type Article = z.infer<typeof article>;

/** A published revision: what customers read, kept for the history. */
export interface ArticleRevision {
  revision: number;
  title: string;
  summary?: string;
  body: string;
  publishedAt: string;
  publishedBy: { id: string; name: string };
}

/** A search hit or suggestion: enough to list it and link it. */
export interface ArticleHit {
  id: string;
  title: string;
  summary?: string;
  category?: string;
  language: 'zh-CN' | 'en';
  status: ArticleStatus;
  visibility: 'public' | 'internal';
  /** How many of the query's words it matched (the ranking). */
  matched: number;
}
