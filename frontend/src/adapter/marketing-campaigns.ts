import { api } from './http';

/** Campaigns (issue 10, MA-2, AN-3): the API as the campaign pages use it. Money is integer minor units. */
export type CampaignType = 'email' | 'event' | 'webinar' | 'content' | 'ads' | 'social';
export type CampaignStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'planned' | 'active' | 'completed';
export interface Money { amount: number; currency: string }
export interface CampaignStats { sent: number; delivered: number; bounced: number; complained: number; opened: number; clicked: number; unsubscribed: number; skipped: number }
export interface CampaignResults {
  leadsInfluenced: number; contactsInfluenced: number; opportunitiesInfluenced: number;
  pipelineInfluenced: number; revenueInfluenced: number; currency: string; cost: number; costPerLead: number | null; roi: number | null;
}
export interface Campaign {
  id: string; name: string; type: CampaignType; status: CampaignStatus; ownerId: string; version: number;
  description?: string; templateId?: string; segmentId?: string; budget?: Money; actualCost?: Money;
  startDate?: string; endDate?: string; scheduledAt?: string; sendStartedAt?: string; sentAt?: string; createdAt: string;
  stats: CampaignStats; progress: { done: number; total: number }; results: CampaignResults;
}
export interface CampaignMember {
  object: 'contacts' | 'leads'; recordId: string; name?: string; email?: string;
  status: string; reason?: string; sentAt?: string; openedAt?: string; clickedAt?: string; source: 'segment' | 'manual';
}
export interface Page<T> { items: T[]; nextCursor: string | null }
export interface SavedViewSummary { id: string; object: string; name: string; segment?: boolean }
export interface TemplateSummary { id: string; name: string; languages?: string[] }

const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

export const campaignsApi = {
  list: (query: Record<string, string | undefined> = {}) => api.get<Page<Campaign>>('/api/campaigns', { limit: '50', sort: '-createdAt', ...query }),
  get: (id: string) => api.get<Campaign>(`/api/campaigns/${id}`),
  create: (body: Record<string, unknown>) => api.post<Campaign>('/api/campaigns', body),
  update: (c: Pick<Campaign, 'id' | 'version'>, body: Record<string, unknown>) => api.patch<Campaign>(`/api/campaigns/${c.id}`, body, ifMatch(c.version)),
  send: (c: Pick<Campaign, 'id' | 'version'>, at?: string) => api.post<Campaign>(`/api/campaigns/${c.id}/send`, at ? { at } : {}, ifMatch(c.version)),
  cancelSend: (c: Pick<Campaign, 'id' | 'version'>) => api.post<Campaign>(`/api/campaigns/${c.id}/cancel-send`, {}, ifMatch(c.version)),
  members: (id: string, cursor?: string) => api.get<Page<CampaignMember>>(`/api/campaigns/${id}/members`, { limit: 50, cursor }),
  addMembers: (id: string, object: 'contacts' | 'leads', ids: string[]) => api.post<{ added: number; members: number }>(`/api/campaigns/${id}/members`, { object, ids }),
  /** Saved views of contacts and of leads: the segments a campaign can mail. */
  async segments(): Promise<SavedViewSummary[]> {
    const [c, l] = await Promise.all([
      api.get<{ items: SavedViewSummary[] }>('/api/views', { object: 'contacts' }).catch(() => ({ data: { items: [] } })),
      api.get<{ items: SavedViewSummary[] }>('/api/views', { object: 'leads' }).catch(() => ({ data: { items: [] } })),
    ]);
    return [...c.data.items, ...l.data.items];
  },
  segmentCount: (viewId: string) => api.get<{ count: number; exact: boolean }>(`/api/views/${viewId}/count`),
  templates: () => api.get<Page<TemplateSummary>>('/api/email-templates', { limit: '100' }),
};

/** Rates as whole percentages of the messages sent (0 when nothing was sent). */
export const rate = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 1000) / 10 : 0);
