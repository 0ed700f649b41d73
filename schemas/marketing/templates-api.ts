import * as z from 'zod/mini';
import type { OperationDoc } from '../api.ts';
import { listQuery, pageQuery } from '../common.ts';
import { emailTemplate, templateCreate, templateUpdate } from './template.ts';

/** OpenAPI docs of the issue 10 templates routes (contracts/marketing/templates.ts), keyed by route name; spread into schemas/api.ts. */
const tag = 'marketing';
const page = (item: z.ZodMiniType) => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });
const rendered = z.object({
  subject: z.string(), html: z.string(), text: z.string(), language: z.enum(['en', 'zh-CN']), subscriptionType: z.string(),
  sample: z.optional(z.boolean()), recordId: z.optional(z.string()),
});

export const templatesOperations: Readonly<Record<string, OperationDoc>> = {
  'email-templates-create': {
    summary: 'Create an email template (marketers, admins): `{"name","subject":{"en","zh-CN"},"html":{"en","zh-CN"}}` with merge fields such as {{contact.firstName | "there"}}; unknown merge fields are a 400 naming the field (html.en)',
    tag, request: templateCreate, response: emailTemplate, status: 201,
  },
  'email-templates-list': { summary: 'List email templates (paged; q = prefix search on the name)', tag, query: listQuery, response: page(emailTemplate) },
  'email-templates-get': { summary: 'Get an email template', tag, response: emailTemplate },
  'email-templates-update': { summary: 'Change an email template (marketers, admins; If-Match; maps replace the whole map; null clears)', tag, request: templateUpdate, response: emailTemplate, ifMatch: true },
  'email-templates-delete': { summary: 'Move an email template to the trash', tag, status: 204, ifMatch: true },
  'email-templates-restore': { summary: 'Restore an email template from the trash', tag, response: emailTemplate },
  'email-templates-timeline': { summary: 'The email template\'s timeline, newest first', tag, query: pageQuery, response: page(z.looseObject({ id: z.string(), at: z.string(), type: z.string() })) },
  'email-templates-audit': { summary: 'The email template\'s audit trail (who, when, before/after)', tag, query: pageQuery, response: page(z.looseObject({ id: z.string(), at: z.string(), action: z.string() })) },
  'email-templates-preview': {
    summary: 'Render the template in a language for a sample recipient, or for `recordId` (a contact or lead you may read): subject, html and text',
    tag, request: z.object({ language: z.enum(['en', 'zh-CN']), recordId: z.optional(z.string()), object: z.optional(z.enum(['contacts', 'leads'])) }), response: rendered,
  },
  'email-templates-test-send': {
    summary: 'Mail the template rendered for the sample recipient to yourself (or `to`), marked as a test ([Test] subject, X-Cirrus-Test header); marketers, admins',
    tag, request: z.object({ language: z.enum(['en', 'zh-CN']), to: z.optional(z.string()) }),
    response: z.object({ to: z.string(), messageId: z.optional(z.string()), language: z.string(), subject: z.string() }), status: 202,
  },
};
