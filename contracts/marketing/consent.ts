import type { CatalogueEntry } from '../event-kit.ts';
import { read, route, type RouteDeclaration } from '../route-kit.ts';

/** Issue 10 — consent: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts). */
export const consentRoutes: readonly RouteDeclaration[] = [
  route('settings-marketing-get', 'marketing', 'GET', '/api/settings/marketing', read),
];

export const consentEvents = {} as const satisfies Record<string, CatalogueEntry>;
