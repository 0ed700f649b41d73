import type { Ticket, TicketMessage, TicketPriority, TicketStatus } from '#schemas/ticket.ts';
import type { ServiceDashboard, ServiceDeskSettings } from '#schemas/service-desk.ts';
import { api } from './http';
import type { Page, TimelineEntry } from './records';

/** Typed calls of the service desk (issue 9, SVC-1/4, AN-4): tickets, their conversation, the dashboard, the settings. */
export type { TicketMessage, TicketPriority, TicketStatus, ServiceDeskSettings, ServiceDashboard };

export interface SlaTargetView {
  targetMinutes: number;
  state: 'onTrack' | 'warning' | 'breached' | 'met' | 'paused';
  dueAt?: string;
  warnAt?: string;
  metAt?: string;
  breachedAt?: string;
  /** Business minutes left through the policy's calendar (negative once overdue). */
  businessMinutesLeft?: number;
}

export type TicketRecord = Omit<Ticket, 'sla'> & {
  name: string;
  sla?: { policyId: string; calendarId: string; firstResponse: SlaTargetView; resolution: SlaTargetView };
  firstRespondedAt?: string;
  lastMessageAt?: string;
  solvedAt?: string;
};

export interface SurveyView { number: string; subject: string; language: 'en' | 'zh-CN'; state: 'open' | 'answered' | 'expired'; score?: number }

export const surveysApi = {
  get: (token: string) => api.get<SurveyView>(`/api/surveys/${encodeURIComponent(token)}`),
  answer: (token: string, body: { score: number; comment?: string }) => api.post<{ state: 'answered'; score: number }>(`/api/surveys/${encodeURIComponent(token)}`, body),
};

export const OPEN_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'onHold'];

/** A ticket list: `ownerId` is an agent's id or `queue:<id>` (nobody has it yet); `status` a comma list. */
export interface TicketListParams {
  ownerId?: string;
  queueId?: string;
  status?: readonly TicketStatus[];
  q?: string;
  cursor?: string | null;
  limit?: number;
}

export const ticketsApi = {
  list: (p: TicketListParams = {}) => api.get<Page<TicketRecord>>('/api/tickets', {
    ownerId: p.ownerId, q: p.q, cursor: p.cursor ?? undefined, limit: p.limit ?? 50, sort: '-createdAt',
    ...(p.status?.length ? { 'where[status][in]': p.status.join(',') } : {}),
    ...(p.queueId ? { 'where[queueId][eq]': p.queueId } : {}),
  }),
  get: (id: string) => api.get<TicketRecord>(`/api/tickets/${encodeURIComponent(id)}`),
  create: (body: Record<string, unknown>) => api.post<TicketRecord>('/api/tickets', body),
  update: (id: string, patch: Record<string, unknown>, etag?: string) => api.patch<TicketRecord>(`/api/tickets/${encodeURIComponent(id)}`, patch, etag ? { 'if-match': etag } : {}),
  merge: (id: string, into: string) => api.post<{ source: TicketRecord; into: TicketRecord }>(`/api/tickets/${encodeURIComponent(id)}/merge`, { into }),
  messages: (id: string) => api.get<{ items: TicketMessage[] }>(`/api/tickets/${encodeURIComponent(id)}/messages`),
  timeline: (id: string) => api.get<Page<TimelineEntry>>(`/api/tickets/${encodeURIComponent(id)}/timeline`),
  reply: (id: string, body: { body: string; public: boolean; status?: TicketStatus }) =>
    api.post<{ message: TicketMessage; ticket: TicketRecord }>(`/api/tickets/${encodeURIComponent(id)}/replies`, body),
  dashboard: (from?: string, to?: string) => api.get<ServiceDashboard>('/api/service/dashboard', { from, to }),
  settings: () => api.get<ServiceDeskSettings>('/api/settings/service-desk'),
  putSettings: (s: ServiceDeskSettings, etag?: string) => api.put<ServiceDeskSettings>('/api/settings/service-desk', s, etag ? { 'if-match': etag } : {}),
};
