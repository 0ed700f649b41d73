import { ApiError, type ProblemBody } from './http';

/**
 * The customer portal's calls (issue 9, SVC-3): their own session (`Authorization: Portal <token>`, kept in this
 * browser per tenant), never the staff app's Cognito token.
 */
export interface PortalTicket { id: string; number: string; subject: string; status: string; priority?: string; channel?: string; createdAt: string; updatedAt?: string; solvedAt?: string }
export interface PortalArticleHit { id: string; title: string; summary?: string; category?: string; language: string }
export interface PortalArticle { id: string; title: string; summary?: string; body: string; category?: string; language: string; publishedAt: string; revision: number; versions: { id: string; language: string }[] }
export interface PortalMessage { id: string; at: string; from: 'you' | 'support'; body: string; author: string; attachments?: { fileName: string; contentType: string }[] }
export interface PortalMe { email: string; allowSubmit: boolean; accountTickets: boolean; supportName: string | null }

const key = (tenant: string) => `cirrus.portal.${tenant}`;
export const portalSession = {
  get: (tenant: string): string | null => localStorage.getItem(key(tenant)),
  set: (tenant: string, token: string) => localStorage.setItem(key(tenant), token),
  clear: (tenant: string) => localStorage.removeItem(key(tenant)),
};

async function call<T>(tenant: string, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const session = portalSession.get(tenant);
  if (session) headers.authorization = `Portal ${session}`;
  const res = await fetch(`/api/portal/${encodeURIComponent(tenant)}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = res.status === 204 ? '' : await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (res.status === 403 && session) portalSession.clear(tenant);
  if (!res.ok) throw new ApiError(res.status, (data ?? { title: res.statusText }) as ProblemBody, res.headers);
  return data as T;
}

export const portalApi = {
  askLink: (tenant: string, email: string, language: string) => call<{ sent: true }>(tenant, 'POST', '/magic-link', { email, language }),
  openSession: (tenant: string, token: string) => call<{ session: string; email: string; expiresAt: string }>(tenant, 'POST', '/sessions', { token }),
  signOut: (tenant: string) => call<void>(tenant, 'DELETE', '/sessions').finally(() => portalSession.clear(tenant)),
  me: (tenant: string) => call<PortalMe>(tenant, 'GET', '/me'),
  tickets: (tenant: string) => call<{ items: PortalTicket[] }>(tenant, 'GET', '/tickets'),
  ticket: (tenant: string, id: string) => call<PortalTicket & { messages: PortalMessage[] }>(tenant, 'GET', `/tickets/${encodeURIComponent(id)}`),
  create: (tenant: string, subject: string, description: string) => call<PortalTicket>(tenant, 'POST', '/tickets', { subject, description }),
  articles: (tenant: string, q: string, language: string) => call<{ items: PortalArticleHit[] }>(tenant, 'GET', `/articles?${new URLSearchParams({ ...(q ? { q } : {}), language })}`),
  article: (tenant: string, id: string) => call<PortalArticle>(tenant, 'GET', `/articles/${encodeURIComponent(id)}`),
  reply: (tenant: string, id: string, body: string) => call<PortalTicket>(tenant, 'POST', `/tickets/${encodeURIComponent(id)}/replies`, { body }),
};
