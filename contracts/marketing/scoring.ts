import * as z from 'zod/mini';
import { read, route, write, type RouteDeclaration } from '../route-kit.ts';
import { event, snapshot, v1, type CatalogueEntry } from '../event-kit.ts';

/**
 * Issue 10 — scoring: its HTTP routes and its domain events (spread into contracts/routes.ts and contracts/events.ts).
 * The rules are one settings document per tenant; a lead's score, breakdown and MQL flag are written by
 * scoring only (functions/scoring/), each change with its event.
 */
export const scoringRoutes: readonly RouteDeclaration[] = [
  route('scoring-get', 'marketing', 'GET', '/api/scoring', read),
  route('scoring-put', 'marketing', 'PUT', '/api/scoring', write),
  route('scoring-history', 'marketing', 'GET', '/api/scoring/history', read),
];

/** A lead after scoring: its score, breakdown per rule, and MQL flag. */
const scoredLead = z.looseObject({
  ...snapshot,
  status: z.string(),
  name: z.optional(z.string()),
  score: z.number(),
  scoreBreakdown: z.array(z.looseObject({ ruleId: z.string(), kind: z.string(), points: z.number() })),
  mql: z.optional(z.boolean()),
  mqlAt: z.optional(z.string()),
});

export const scoringEvents = {
  'lead.scored': v1('Scoring changed the lead\'s score (a rule matched or stopped matching, a behaviour earned points, or points decayed); `data.score`, `data.scoreBreakdown`.', event(scoredLead)),
  'lead.mql': v1('The lead\'s score reached the tenant\'s threshold: it is a marketing-qualified lead (`data.mqlAt`) and is handed to sales (assignment if it has no owner, a task for the owner).', event(scoredLead)),
} as const satisfies Record<string, CatalogueEntry>;
