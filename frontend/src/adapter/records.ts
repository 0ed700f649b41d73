import type { Account } from '#schemas/account.ts';
import type { Contact } from '#schemas/contact.ts';
import type { opportunity } from '#schemas/opportunity.ts';
import type * as z from 'zod/mini';
import { api } from './http';

/** Typed calls for the record APIs (CD-1, CD-2, CD-10). */
export type AccountRecord = Account;
export type ContactRecord = Contact & { name?: string; accountName?: string };
export type OpportunityRecord = z.infer<typeof opportunity> & { accountName?: string };
export type EntityName = 'accounts' | 'contacts' | 'opportunities';
/**
 * An account's child as the account page shows it: a contact (`GET /api/accounts/{id}/contacts`) or an
 * opportunity (`GET /api/accounts/{id}/related/opportunities`, `type: 'opportunity'`), each by its type.
 */
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
  /** A logged activity's notes and outcome key. */
  notes?: string;
  outcome?: string;
  /** Copied from where it was logged (a lead's call shown on the contact it became). */
  from?: { type: string; id: string; name: string };
}

/**
 * Someone in the tenant's directory (`GET /api/users`). Workload (`openLeads`), reporting line (`managerId`)
 * and others' `away` come only to those who may read them (`can.users.readWorkload`): absent otherwise.
 */
export interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  language?: string;
  timeZone?: string;
  away?: boolean;
  managerId?: string;
  openLeads?: number;
}

/** Whether a rule that depends on the record allows it: on every record, on records one owns, or never. */
export type RecordRule = 'any' | 'own' | 'none';

/**
 * What the server lets the signed-in person do (`GET /api/me` → `can`), the answers of the policy module
 * (functions/policy/policy.ts, `capabilities()`): the app offers only what the server accepts.
 */
export interface Capabilities {
  records: { update: RecordRule; delete: RecordRule; assignToOthers: boolean };
  /** Sensitive fields by record type: may this person read and write them. */
  fields: Partial<Record<string, Partial<Record<string, boolean>>>> & { contact?: { nationalId?: boolean } };
  /** `logActivity` and `convert` hold for the person's own leads; others' leads also need `records.update === 'any'`. */
  leads: { claim: boolean; logActivity: boolean; convert: boolean };
  settings: { partners: boolean; forms: boolean; assignmentRulesRead: boolean; assignmentRulesManage: boolean; objects: boolean; marketing: boolean };
  /** Marketing (issue 10): who builds and sends templates, campaigns, journeys and the lead score. */
  marketing: { templates: boolean; campaigns: boolean; send: boolean; journeys: boolean; scoring: boolean };
  users: { readWorkload: boolean; markTeamAway: boolean };
}

export interface Me extends User {
  tenantId: string;
  language: string;
  can: Capabilities;
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
  users: () => api.get<{ items: User[] }>('/api/users').then((r) => r.data.items),
  me: () => api.get<Me>('/api/me').then((r) => r.data),
};
