import * as z from 'zod/mini';
import { read, recordRoutes, route, type RouteDeclaration } from '../route-kit.ts';
import { recordEvents, snapshot, type CatalogueEntry } from '../event-kit.ts';

/**
 * Issue 10 — templates: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts).
 * Email templates are records (`/api/email-templates`, type `emailTemplate`); preview renders one for a sample
 * or a real contact or lead, test-send mails it (marked as a test) to the signed-in user.
 */
export const templatesRoutes: readonly RouteDeclaration[] = [
  ...recordRoutes('email-templates', 'marketing'),
  route('email-templates-preview', 'marketing', 'POST', '/api/email-templates/{id}/preview', read),
  route('email-templates-test-send', 'marketing', 'POST', '/api/email-templates/{id}/test-send', { table: 'read', sendEmail: true }),
];

/** An email template after the change: its name, languages and subscription type (subject and html per language). */
const templateData = z.looseObject({
  ...snapshot,
  name: z.string(),
  languages: z.optional(z.array(z.string())),
  subscriptionType: z.optional(z.string()),
});

export const templatesEvents = {
  ...recordEvents('emailTemplate', 'email template', templateData),
} as const satisfies Record<string, CatalogueEntry>;
