import * as z from 'zod/mini';
import type { OperationDoc } from '../api.ts';
import { scoringSettingsInput } from './scoring.ts';

/** OpenAPI docs of the issue 10 scoring routes (contracts/marketing/scoring.ts), keyed by route name; spread into schemas/api.ts. */
const tag = 'marketing';
const stored = z.object({
  enabled: z.boolean(),
  threshold: z.int(),
  rules: z.array(z.looseObject({ id: z.string(), points: z.int() })),
  decay: z.object({ halfLifeDays: z.nullable(z.int()) }),
  version: z.int(),
  updatedAt: z.optional(z.string()),
  updatedBy: z.optional(z.object({ id: z.string(), name: z.string() })),
});

export const scoringOperations: Readonly<Record<string, OperationDoc>> = {
  'scoring-get': { summary: 'The lead scoring rules: threshold, demographic rules (`where`, the views\' condition shape) and behaviour rules (`event`), and the half-life of behaviour points (ETag)', tag, response: stored },
  'scoring-put': {
    summary: 'Replace the lead scoring rules (marketers, admins; If-Match): `{"threshold":50,"rules":[{"where":{"title":{"contains":"CTO"}},"points":20},{"event":"email.clicked","points":10}],"decay":{"halfLifeDays":30}}`; every bad field named in a 400',
    tag, request: scoringSettingsInput, response: stored, ifMatch: true,
  },
  'scoring-history': { summary: 'Every saved version of the scoring rules, newest first (who changed them, when)', tag, response: z.object({ items: z.array(stored) }) },
};
