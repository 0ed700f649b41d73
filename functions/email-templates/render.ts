import {
  OWNER_FIELDS, pickLanguage, renderMergeFields, htmlToText, templateLanguages, DEFAULT_SUBSCRIPTION_TYPE,
  type TemplateLanguage,
} from '#schemas/marketing/template.ts';
import { EMAIL_TEMPLATE_TYPE } from '#schemas/marketing/template-object.ts';
import { recordDeps } from '../records/deps.ts';
import type { StoredRecord } from '../records/entity.ts';

/**
 * Rendering an email template (issue 10, MA-6) for one recipient in one language — what campaigns, journeys,
 * the preview and the test send all use.
 *
 * Merge fields: `{{contact.firstName}}`, `{{lead.company}}`, custom fields (`{{contact.c_tier}}`),
 * `{{owner.name}}`, with a fallback `{{contact.firstName | "there"}}`; values are HTML-escaped in the html.
 * The grammar, the renderer and the html → text conversion are pure (schemas/marketing/template.ts).
 */
export interface RenderContext {
  /** The recipient: a contact or a lead (merge fields `contact.*` or `lead.*`; both names work on either). */
  readonly object: 'contacts' | 'leads';
  readonly record: StoredRecord;
  /** The record owner's directory entry (`owner.name`, `owner.email`). */
  readonly owner?: { readonly name: string; readonly email?: string };
}

export interface RenderedEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly language: 'zh-CN' | 'en';
  /** The template's subscription type (consent is per type). */
  readonly subscriptionType: string;
}

/** A stored template as its record (subject and html per language, subscriptionType…). */
export type EmailTemplate = StoredRecord;

/** The live template (not in the trash), read straight from the table: no policy (callers are system flows). */
export async function loadTemplate(tenantId: string, templateId: string): Promise<EmailTemplate | undefined> {
  if (!/^[0-9A-Za-z_-]{1,64}$/.test(templateId)) return undefined;
  const t = await recordDeps().store.get(tenantId, EMAIL_TEMPLATE_TYPE, templateId);
  return t && !t.deletedAt ? t : undefined;
}

/** What a merge field names on the recipient (a few names work on both contacts and leads). */
export function recipientValue(record: Readonly<Record<string, unknown>>, field: string): unknown {
  const v = record[field];
  if (v !== undefined && v !== null && v !== '') return v;
  if (field === 'company') return record.accountName;
  if (field === 'accountName') return record.company;
  if (field === 'fullName') return record.name;
  return v;
}

/** Renders in `language` (or the template's other language when it has no version in it). */
export function renderTemplate(template: EmailTemplate, language: 'zh-CN' | 'en', ctx: RenderContext): RenderedEmail {
  const available = Array.isArray(template.languages) ? (template.languages as TemplateLanguage[]) : templateLanguages(template as { subject?: unknown; html?: unknown });
  const lang = pickLanguage(available, language);
  const subject = ((template.subject ?? {}) as Partial<Record<TemplateLanguage, string>>)[lang] ?? '';
  const body = ((template.html ?? {}) as Partial<Record<TemplateLanguage, string>>)[lang] ?? '';
  const values = (namespace: string, field: string): unknown => {
    if (namespace === 'owner') return (OWNER_FIELDS as readonly string[]).includes(field) ? ctx.owner?.[field as 'name' | 'email'] : undefined;
    if (namespace === 'contact' || namespace === 'lead') return recipientValue(ctx.record, field);
    return undefined;
  };
  const html = renderMergeFields(body, values, true);
  return {
    // A subject is one line of plain text: no escaping, no line breaks.
    subject: renderMergeFields(subject, values, false).replace(/[\r\n]+/g, ' ').trim(),
    html,
    text: htmlToText(html),
    language: lang,
    subscriptionType: typeof template.subscriptionType === 'string' ? template.subscriptionType : DEFAULT_SUBSCRIPTION_TYPE,
  };
}
