import type { CatalogueEntry } from '../event-kit.ts';
import { intake, read, route, write, type RouteDeclaration } from '../route-kit.ts';

/**
 * Issue 10 — consent: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts).
 * `consent.changed` and the email events are in ./email.ts (shared with campaigns, journeys and scoring).
 */
export const consentRoutes: readonly RouteDeclaration[] = [
  route('settings-marketing-get', 'marketing', 'GET', '/api/settings/marketing', read),
  route('settings-marketing-put', 'marketing', 'PUT', '/api/settings/marketing', write),
  route('settings-marketing-test-send', 'marketing', 'POST', '/api/settings/marketing/test-send', { table: 'readwrite', sendEmail: true }),
  route('contacts-consent-put', 'marketing', 'PUT', '/api/contacts/{id}/consent', write),
  route('leads-consent-put', 'marketing', 'PUT', '/api/leads/{id}/consent', write),
  // Public: the links of a marketing email (one per email, random, hashed, 180 days), no sign-in.
  route('unsubscribe-one-click', 'portal', 'POST', '/api/unsubscribe/{token}', write, 'none', intake),
  route('unsubscribe-link', 'portal', 'GET', '/api/unsubscribe/{token}', {}, 'none', intake),
  route('preferences-get', 'portal', 'GET', '/api/preferences/{token}', read, 'none', intake),
  route('preferences-post', 'portal', 'POST', '/api/preferences/{token}', write, 'none', intake),
];

export const consentEvents = {} as const satisfies Record<string, CatalogueEntry>;
