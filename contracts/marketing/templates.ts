import type { RouteDeclaration } from '../route-kit.ts';
import type { CatalogueEntry } from '../event-kit.ts';

/** Issue 10 — templates: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts). */
export const templatesRoutes: readonly RouteDeclaration[] = [];

export const templatesEvents = {} as const satisfies Record<string, CatalogueEntry>;
