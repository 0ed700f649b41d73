import type { Account } from '#schemas/account.ts';
import type { Contact } from '#schemas/contact.ts';
import { api } from './http';

/** Typed calls for the record APIs (CD-1, CD-2, CD-10). */
export type AccountRecord = Account;
export type ContactRecord = Contact & { name?: string; accountName?: string };
export type EntityName = 'accounts' | 'contacts';
export type SortKey = 'name' | '-name' | 'createdAt' | '-createdAt';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListParams {
  limit?: number;
  cursor?: string | null;
  q?: string;
  ownerId?: string;
  tag?: string;
  sort?: SortKey;
}

export interface TimelineEntry {
  id: string;
  at: string;
  type: string;
  actor: { id: string; name: string };
  changes?: string[];
  subject?: { type: string; id: string; name: string };
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  language?: string;
}

export interface Me extends User {
  tenantId: string;
  language: string;
}

export const recordsApi = {
  list: <T>(entity: EntityName, params: ListParams, signal?: AbortSignal) =>
    api.get<Page<T>>(`/api/${entity}`, { ...params, q: params.q?.trim() || undefined }, signal).then((r) => r.data),
  get: <T>(entity: EntityName, id: string) => api.get<T>(`/api/${entity}/${encodeURIComponent(id)}`),
  create: <T>(entity: EntityName, body: Record<string, unknown>) => api.post<T>(`/api/${entity}`, body),
  update: <T>(entity: EntityName, id: string, changes: Record<string, unknown>, etag: string) =>
    api.patch<T>(`/api/${entity}/${encodeURIComponent(id)}`, changes, { 'if-match': etag }),
  remove: (entity: EntityName, id: string, etag?: string) =>
    api.del(`/api/${entity}/${encodeURIComponent(id)}`, etag ? { 'if-match': etag } : undefined),
  restore: <T>(entity: EntityName, id: string) => api.post<T>(`/api/${entity}/${encodeURIComponent(id)}/restore`),
  timeline: (entity: EntityName, id: string, cursor?: string | null, limit = 20) =>
    api.get<Page<TimelineEntry>>(`/api/${entity}/${encodeURIComponent(id)}/timeline`, { limit, cursor }).then((r) => r.data),
  accountContacts: (id: string, cursor?: string | null, limit = 20) =>
    api.get<Page<ContactRecord>>(`/api/accounts/${encodeURIComponent(id)}/contacts`, { limit, cursor }).then((r) => r.data),
  users: () => api.get<{ items: User[] }>('/api/users').then((r) => r.data.items),
  me: () => api.get<Me>('/api/me').then((r) => r.data),
};
