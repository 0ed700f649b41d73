import * as z from 'zod/mini';
import { route, type RouteDeclaration } from '../route-kit.ts';
import { event, v1, type CatalogueEntry } from '../event-kit.ts';

/** Issue 10 — journeys: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts). */
const read = { table: 'read' } as const;
const write = { table: 'readwrite' } as const;
/** Activating, pausing and saving put or delete triggers; nothing there talks to the Scheduler. */
export const journeysRoutes: readonly RouteDeclaration[] = [
  route('journeys-list', 'marketing', 'GET', '/api/journeys', read),
  route('journeys-create', 'marketing', 'POST', '/api/journeys', write),
  route('journeys-get', 'marketing', 'GET', '/api/journeys/{id}', read),
  route('journeys-update', 'marketing', 'PUT', '/api/journeys/{id}', write),
  route('journeys-activate', 'marketing', 'POST', '/api/journeys/{id}/activate', write),
  route('journeys-pause', 'marketing', 'POST', '/api/journeys/{id}/pause', write),
  route('journeys-stats', 'marketing', 'GET', '/api/journeys/{id}/stats', read),
  route('journeys-member', 'marketing', 'GET', '/api/journeys/{id}/members/{recordId}', read),
  route('journey-members-of-record', 'marketing', 'GET', '/api/journey-members/{recordId}', read),
];

/** The schedule target that a journey's waits fire (functions/journeys/advance.ts). */
export const JOURNEY_STEP_TARGET = 'journey-step';

const runData = z.looseObject({
  journeyId: z.string(), journeyName: z.optional(z.string()), version: z.int(), run: z.int(),
  object: z.string(), stepId: z.optional(z.string()), reason: z.optional(z.string()),
});

export const journeysEvents = {
  'journey.entered': v1('A contact or lead (`subject`) entered a nurturing journey (`data.journeyId`, on `data.version`, run `data.run`).', event(runData)),
  'journey.exited': v1('A contact or lead left a journey before its end (`data.reason`: converted, unsubscribed, goal:<event>, …) at `data.stepId`.', event(runData)),
  'journey.completed': v1('A contact or lead reached the end of a journey (or its exit step).', event(runData)),
} as const satisfies Record<string, CatalogueEntry>;
