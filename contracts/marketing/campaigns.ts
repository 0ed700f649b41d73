import type { RouteDeclaration } from '../route-kit.ts';
import type { CatalogueEntry } from '../event-kit.ts';

/** Issue 10 — campaigns: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts). */
export const campaignsRoutes: readonly RouteDeclaration[] = [];

export const campaignsEvents = {} as const satisfies Record<string, CatalogueEntry>;
