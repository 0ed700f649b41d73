import type { FieldDefinition, FieldType, Localized, ObjectDefinition, PicklistOption } from '#schemas/metadata.ts';
import type { SavedView, ViewWhere } from '#schemas/view.ts';
import { api } from './http';
import type { Page, TimelineEntry } from './records';

/**
 * Objects as data (issue 7): the metadata the server hands out (GET /api/metadata) and the generic record
 * API every object answers on (`/api/{object}`, `/api/views`), for the generic pages in views/objects.
 */
export type { FieldType, Localized, PicklistOption, SavedView, ViewWhere };

/** A field as GET /api/metadata shows it to the signed-in person: its definition and what they may do with it. */
export interface FieldMeta extends FieldDefinition {
  readable: boolean;
  writable: boolean;
}

/** An object as GET /api/metadata shows it; `active: false` only for a deactivated custom one (`include=inactive`). */
export interface ObjectMeta extends Omit<ObjectDefinition, 'fields'> {
  active?: boolean;
  fields: FieldMeta[];
}

export interface MetadataDocument {
  version: number;
  objects: ObjectMeta[];
}

/** A record of any object: custom values are top-level fields under their `c_` names. */
export interface AnyRecord {
  id: string;
  name?: string;
  ownerId?: string;
  version: number;
  createdAt: string;
  updatedAt?: string;
  createdBy?: string;
  updatedBy?: string;
  deletedAt?: string | null;
  [field: string]: unknown;
}

/** A related record (`GET /api/{object}/{id}/related/{related}`): `via` names the relation fields that link it. */
export interface RelatedRecord {
  id: string;
  name?: string;
  via?: string[];
  [field: string]: unknown;
}

export interface ObjectListParams {
  limit?: number;
  cursor?: string | null;
  q?: string;
  /** `["-amount"]` → `sort=-amount`. */
  sort?: readonly string[];
  where?: ViewWhere;
}

/** `{"stage":{"eq":"won"}}` → `where[stage][eq]=won` (arrays as a comma list). */
export function whereQuery(where: ViewWhere | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, ops] of Object.entries(where ?? {})) {
    for (const [op, value] of Object.entries(ops)) out[`where[${field}][${op}]`] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

const seg = (s: string) => encodeURIComponent(s);

export const objectsApi = {
  metadata: () => api.get<MetadataDocument>('/api/metadata').then((r) => r.data),
  list: (object: string, p: ObjectListParams, signal?: AbortSignal) =>
    api
      .get<Page<AnyRecord>>(
        `/api/${seg(object)}`,
        { limit: p.limit, cursor: p.cursor, q: p.q?.trim() || undefined, sort: p.sort?.length ? p.sort.join(',') : undefined, ...whereQuery(p.where) },
        signal,
      )
      .then((r) => r.data),
  get: (object: string, id: string) => api.get<AnyRecord>(`/api/${seg(object)}/${seg(id)}`),
  create: (object: string, body: Record<string, unknown>) => api.post<AnyRecord>(`/api/${seg(object)}`, body),
  update: (object: string, id: string, changes: Record<string, unknown>, etag: string) =>
    api.patch<AnyRecord>(`/api/${seg(object)}/${seg(id)}`, changes, { 'if-match': etag }),
  remove: (object: string, id: string, etag?: string) => api.del(`/api/${seg(object)}/${seg(id)}`, etag ? { 'if-match': etag } : undefined),
  restore: (object: string, id: string) => api.post<AnyRecord>(`/api/${seg(object)}/${seg(id)}/restore`),
  timeline: (object: string, id: string, cursor?: string | null, limit = 20) =>
    api.get<Page<TimelineEntry>>(`/api/${seg(object)}/${seg(id)}/timeline`, { limit, cursor }).then((r) => r.data),
  related: (object: string, id: string, related: string, cursor?: string | null, limit = 20) =>
    api.get<Page<RelatedRecord>>(`/api/${seg(object)}/${seg(id)}/related/${seg(related)}`, { limit, cursor }).then((r) => r.data),
};

export type ViewInput = Pick<SavedView, 'name' | 'shared' | 'columns'> & Partial<Pick<SavedView, 'where' | 'sort' | 'widths' | 'density'>>;

export const viewsApi = {
  list: (object: string) => api.get<{ items: SavedView[]; lastViewId: string | null }>('/api/views', { object }).then((r) => r.data),
  create: (object: string, v: ViewInput) => api.post<SavedView>('/api/views', { object, ...v }).then((r) => r.data),
  update: (id: string, v: Partial<ViewInput>) => api.patch<SavedView>(`/api/views/${seg(id)}`, v).then((r) => r.data),
  remove: (id: string) => api.del(`/api/views/${seg(id)}`),
  setLast: (object: string, viewId: string | null) => api.put<unknown>('/api/views/last', { object, viewId }),
};
