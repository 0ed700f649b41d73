import { FORM_FIELDS, type FormCreate } from '#schemas/form.ts';
import { api } from './http';

/** Typed calls for web-to-lead forms (SFA-1): admins and marketers build them; the public posts the snippet. */
export { FORM_FIELDS };
export type FormFieldName = (typeof FORM_FIELDS)[number];
export type { FormCreate };

export interface LeadFormField {
  name: FormFieldName;
  required: boolean;
  label?: string;
}

export interface LeadForm {
  id: string;
  name: string;
  language: 'zh-CN' | 'en';
  fields: LeadFormField[];
  thankYouText: string;
  source?: string;
  submitLabel?: string;
  createdAt: string;
  createdBy?: string;
  /** The embeddable HTML (form, honeypot and a small posting script). */
  snippet: string;
}

export const formsApi = {
  list: () => api.get<{ items: LeadForm[] }>('/api/forms').then((r) => r.data.items),
  create: (body: FormCreate) => api.post<LeadForm>('/api/forms', body).then((r) => r.data),
};
