import type { StoredRecord } from '../records/entity.ts';

/**
 * Rendering an email template (issue 10, MA-6) for one recipient in one language — what campaigns, journeys,
 * the preview and the test send all use.
 * INTERFACE FIRST (scaffold): the templates part implements it; campaigns and journeys call it as declared here.
 *
 * Merge fields: `{{contact.firstName}}`, `{{lead.company}}`, custom fields (`{{contact.c_tier}}`),
 * `{{owner.name}}`, with a fallback `{{contact.firstName | "there"}}`; values are HTML-escaped in the html.
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

export async function loadTemplate(_tenantId: string, _templateId: string): Promise<EmailTemplate | undefined> {
  throw new Error('loadTemplate: not implemented yet (issue 10 scaffold)');
}

/** Renders in `language` (or the template's other language when it has no version in it). */
export function renderTemplate(_template: EmailTemplate, _language: 'zh-CN' | 'en', _ctx: RenderContext): RenderedEmail {
  throw new Error('renderTemplate: not implemented yet (issue 10 scaffold)');
}
