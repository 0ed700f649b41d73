import type { RouteDeclaration } from '../route-kit.ts';
import type { CatalogueEntry } from '../event-kit.ts';

/** Issue 10 — scoring: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts). */
export const scoringRoutes: readonly RouteDeclaration[] = [];

export const scoringEvents = {} as const satisfies Record<string, CatalogueEntry>;
