import type { LeadStatus } from '#schemas/lead.ts';
import type { AssignmentRule } from '#schemas/assignment.ts';
import { api, request } from './http';
import type { AccountRecord, ContactRecord, Page } from './records';

/** Typed calls for leads (SFA-1/2/3/5), partners, assignment rules, notifications and tasks (PLT-7). */
export type { LeadStatus, AssignmentRule };

export interface LeadRecord {
  id: string;
  name: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string;
  company?: string;
  title?: string;
  country?: string;
  region?: string;
  industry?: string;
  companySize?: number;
  source?: string;
  message?: string;
  utm?: Record<string, string>;
  externalId?: string;
  partnerId?: string;
  status: LeadStatus;
  ownerId: string;
  assignedAt?: string;
  callbackDueAt?: string;
  lastContactedAt?: string;
  callbackOverdueAt?: string;
  queueReason?: string;
  duplicateOf?: { type: string; id: string };
  convertedTo?: { accountId?: string; contactId: string; opportunityId?: string };
  disqualifiedReason?: string;
  score?: number;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const LEAD_QUEUE = 'queue:default';

export interface LeadListParams {
  limit?: number;
  cursor?: string | null;
  q?: string;
  ownerId?: string;
  managerId?: string;
  status?: string;
  source?: string;
  sort?: string;
}

export interface LeadTimelineEntry {
  id: string;
  at: string;
  type: string;
  actor: { id: string; name: string };
  changes?: string[];
  subject?: string | { type: string; id: string; name: string };
  notes?: string;
  outcome?: string;
  ruleName?: string;
  reason?: string;
  convertedTo?: LeadRecord['convertedTo'];
  [extra: string]: unknown;
}

export type ActivityType = 'call' | 'email' | 'meeting' | 'note';

export interface ConvertBody {
  accountId?: string;
  createOpportunity?: boolean;
  opportunityName?: string;
  amount?: { amount: number; currency: string };
}

export interface ConvertResult {
  lead: LeadRecord;
  account?: AccountRecord;
  contact: ContactRecord;
  opportunity?: { id: string; name: string };
}

export type PartnerPurpose = 'leads' | 'chat';

export interface Partner {
  id: string;
  name: string;
  /** What the partner posts: leads (SFA-1) or chat messages that become tickets (SVC-1). */
  purpose: PartnerPurpose;
  rateLimitPerMinute: number;
  createdAt: string;
  secretHint?: string;
  rotatedAt?: string;
  previousSecretValidUntil?: string;
}

export interface RuleTestResult {
  matched: boolean;
  ruleId?: string;
  ruleName?: string;
  available?: string[];
  wouldAssign?: string;
  result: 'assign' | 'queue';
}

/** `away` of others, `openLeads` and `managerId` come only to those who may read workload (can.users.readWorkload). */
export interface DirectoryUser {
  id: string;
  email: string;
  name: string;
  role: string;
  away?: boolean;
  openLeads?: number;
  managerId?: string;
  language?: string;
  timeZone?: string;
}

export interface AppNotification {
  id: string;
  at: string;
  kind: 'lead-assigned' | 'lead-callback-reminder' | 'lead-callback-escalation' | string;
  read: boolean;
  subject: { type: string; id: string; name: string };
  data?: { title?: string; callbackDueAt?: string };
}

export interface AppTask {
  id: string;
  title: string;
  kind?: string;
  dueAt: string;
  status: string;
  subject: { type: string; id: string; name: string };
}

const enc = encodeURIComponent;

export const leadsApi = {
  list: (params: LeadListParams, signal?: AbortSignal) =>
    api.get<Page<LeadRecord>>('/api/leads', { ...params, q: params.q?.trim() || undefined }, signal).then((r) => r.data),
  get: (id: string) => api.get<LeadRecord>(`/api/leads/${enc(id)}`),
  create: (body: Record<string, unknown>) => api.post<LeadRecord>('/api/leads', body),
  update: (id: string, changes: Record<string, unknown>, etag: string) => api.patch<LeadRecord>(`/api/leads/${enc(id)}`, changes, { 'if-match': etag }),
  timeline: (id: string, cursor?: string | null, limit = 20) =>
    api.get<Page<LeadTimelineEntry>>(`/api/leads/${enc(id)}/timeline`, { limit, cursor }).then((r) => r.data),
  claim: (id: string) => api.post<LeadRecord>(`/api/leads/${enc(id)}/claim`),
  logActivity: (id: string, body: { type: ActivityType; subject?: string; notes?: string; outcome?: string }) =>
    api.post<LeadRecord>(`/api/leads/${enc(id)}/activities`, body),
  convert: (id: string, body: ConvertBody, etag?: string) =>
    api.post<ConvertResult>(`/api/leads/${enc(id)}/convert`, body, etag ? { 'if-match': etag } : undefined),
};

export const partnersApi = {
  list: () => api.get<{ items: Partner[] }>('/api/partners').then((r) => r.data.items),
  create: (body: { name: string; purpose?: PartnerPurpose; rateLimitPerMinute?: number }) => api.post<Partner & { secret: string }>('/api/partners', body).then((r) => r.data),
  rotate: (id: string) =>
    api.post<{ id: string; secret: string; previousSecretValidUntil?: string }>(`/api/partners/${enc(id)}/rotate-secret`).then((r) => r.data),
};

export const rulesApi = {
  get: () => api.get<{ rules: AssignmentRule[]; version: number }>('/api/assignment-rules'),
  put: (rules: AssignmentRule[], etag: string) => request<{ rules: AssignmentRule[]; version: number }>('PUT', '/api/assignment-rules', { body: { rules }, headers: { 'if-match': etag } }),
  test: (lead: Record<string, unknown>, rules?: AssignmentRule[]) =>
    api.post<RuleTestResult>('/api/assignment-rules/test', rules ? { lead, rules } : { lead }).then((r) => r.data),
};

export const peopleApi = {
  directory: () => api.get<{ items: DirectoryUser[] }>('/api/users').then((r) => r.data.items),
  setAway: (away: boolean) => api.patch<DirectoryUser>('/api/users/me', { away }).then((r) => r.data),
  /** Marks someone of my team away or back (managers and admins, as the policy allows). */
  setAwayFor: (id: string, away: boolean) => api.patch<DirectoryUser>(`/api/users/${enc(id)}`, { away }).then((r) => r.data),
};

export const inboxApi = {
  notifications: (signal?: AbortSignal) =>
    api.get<{ items: AppNotification[]; unread: number }>('/api/notifications', undefined, signal).then((r) => r.data),
  markRead: (id: string) => api.post<void>(`/api/notifications/${enc(id)}/read`),
  tasks: () => api.get<{ items: AppTask[] }>('/api/tasks').then((r) => r.data.items),
};
