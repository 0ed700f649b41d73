import { api } from './http';
import type { TemplateBlock, TemplateLanguage } from '#schemas/marketing/template.ts';

/** Typed calls for email templates (issue 10, MA-6). */
export interface EmailTemplateRecord {
  id: string;
  name: string;
  version: number;
  subject: Partial<Record<TemplateLanguage, string>>;
  html: Partial<Record<TemplateLanguage, string>>;
  blocks?: Partial<Record<TemplateLanguage, TemplateBlock[]>>;
  subscriptionType: string;
  languages: TemplateLanguage[];
  updatedAt: string;
}
export interface RenderedPreview { subject: string; html: string; text: string; language: TemplateLanguage; sample: boolean }

const base = '/api/email-templates';
export const templatesApi = {
  list: () => api.get<{ items: EmailTemplateRecord[] }>(base, { limit: '100' }).then((r) => r.data.items),
  get: (id: string) => api.get<EmailTemplateRecord>(`${base}/${encodeURIComponent(id)}`),
  create: (body: Record<string, unknown>) => api.post<EmailTemplateRecord>(base, body).then((r) => r.data),
  update: (id: string, body: Record<string, unknown>, etag: string) => api.patch<EmailTemplateRecord>(`${base}/${encodeURIComponent(id)}`, body, { 'if-match': etag }),
  preview: (id: string, language: TemplateLanguage, recordId?: string) =>
    api.post<RenderedPreview>(`${base}/${encodeURIComponent(id)}/preview`, { language, ...(recordId ? { recordId } : {}) }).then((r) => r.data),
  testSend: (id: string, language: TemplateLanguage) => api.post<{ to: string; subject: string }>(`${base}/${encodeURIComponent(id)}/test-send`, { language }).then((r) => r.data),
};
