import type { RouteDeclaration } from '../route-kit.ts';
import type { CatalogueEntry } from '../event-kit.ts';

/** Issue 10 — journeys: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts). */
export const journeysRoutes: readonly RouteDeclaration[] = [];

export const journeysEvents = {} as const satisfies Record<string, CatalogueEntry>;
