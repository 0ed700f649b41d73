import { createHash } from 'node:crypto';
import { articleCreate, articleUpdate } from '#schemas/article.ts';
import type { EntityDefinition } from '../records/entity.ts';
import { articleWords } from './words.ts';

type Fields = Record<string, unknown>;

/** What a revision is compared by: the customer-visible text (title, summary, body). */
export const contentHash = (a: Fields) =>
  createHash('sha256').update(JSON.stringify([a.title ?? '', a.summary ?? '', a.body ?? ''])).digest('base64url').slice(0, 22);

/**
 * SVC-2 articles in the record kernel: a standard object (custom fields, lists, audit, timeline), found by the
 * words it is about (`searchWords`: keywords, then title, summary and body by weight, Chinese by its words).
 * A translation is a child of its original (`translationOf`: the original's partition lists its language
 * versions in one Query), unique per language. The status and the published copy are set by publishing
 * (functions/knowledge/service.ts), never by a PATCH; an edit after publishing is a draft of the next revision.
 */
export const articleEntity: EntityDefinition = {
  type: 'article',
  plural: 'articles',
  createSchema: articleCreate as EntityDefinition['createSchema'],
  updateSchema: articleUpdate as EntityDefinition['updateSchema'],
  displayName: (f) => String(f.title ?? '').trim(),
  defaults: { visibility: 'public', language: 'zh-CN' },
  createDefaults: { status: 'draft' },
  phoneFields: [],
  // One version per language of an article: `<original id>:<language>` on translations.
  uniqueFields: ['translationKey'],
  uniqueWhen: (f) => typeof f.translationOf === 'string',
  searchFields: [],
  searchWords: (r) => articleWords(r),
  parent: { field: 'translationOf', type: 'article', nameField: 'translationOfTitle' },
  linkFields: ['language', 'status', 'visibility', 'publishedRevision'],
  derive(_before, after) {
    const out: Fields = {
      translationKey: typeof after.translationOf === 'string' ? `${after.translationOf}:${String(after.language)}` : undefined,
    };
    if (typeof after.publishedHash === 'string') out.changedSincePublish = contentHash(after) !== after.publishedHash;
    return out;
  },
  validateChange(before, after) {
    const errors: { path: string; message: string; code: string }[] = [];
    if (before.language !== after.language) errors.push({ path: 'language', message: 'An article\'s language stays; add a translation for another language', code: 'immutable' });
    if (before.translationOf !== after.translationOf) errors.push({ path: 'translationOf', message: 'Which article this translates stays as it was created', code: 'immutable' });
    return errors;
  },
};

/** Fields only publishing sets (a client's PATCH never can). */
export const PUBLISHING_FIELDS = ['status', 'publishedRevision', 'publishedAt', 'publishedBy', 'publishedTitle', 'publishedSummary', 'publishedHash', 'changedSincePublish', 'translationKey', 'translationOfTitle'] as const;
