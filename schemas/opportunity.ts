import * as z from 'zod/mini';
import { id, longText, money, recordMeta, shortText, tags } from './common.ts';
import { FORECAST_CATEGORIES, LOST_REASONS } from './pipeline.ts';
import { opportunityAttributionFields } from './marketing/person.ts';

/**
 * SFA-4 opportunities: a deal in a pipeline (schemas/pipeline.ts). The stage is one of its pipeline's stage
 * ids (the opportunity entity checks it against the tenant's pipelines, with the stage's required fields and
 * the lost reason); `probability`, `closedAt` and `stageEnteredAt` are set by the server.
 */
const opportunityFields = {
  name: shortText(200),
  accountId: z.optional(id),
  contactId: z.optional(id),
  amount: z.optional(money),
  pipelineId: z.optional(z.string().check(z.regex(/^[a-z][A-Za-z0-9_-]{0,39}$/, 'A pipeline id'))),
  stage: z.optional(z.string().check(z.regex(/^[a-z][A-Za-z0-9_-]{0,39}$/, 'A stage id of the pipeline'))),
  forecastCategory: z.optional(z.enum(FORECAST_CATEGORIES)),
  lostReason: z.optional(z.enum(LOST_REASONS)),
  nextStep: z.optional(longText(500)),
  source: z.optional(shortText(80)),
  closeDate: z.optional(z.iso.date()),
  leadId: z.optional(id),
  tags: z.optional(tags),
  ownerId: z.optional(id),
};
/**
 * The create and update schemas; `stageIds` (every stage of the tenant's pipelines) makes an unknown stage one
 * of the errors of the same 400 as the other fields (whether it is a stage of the deal's pipeline is checked next).
 */
export function opportunitySchemas(stageIds?: readonly string[]) {
  const fields = stageIds?.length ? { ...opportunityFields, stage: z.optional(z.enum(stageIds as [string, ...string[]])) } : opportunityFields;
  return {
    create: z.strictObject(fields),
    update: z.strictObject(
      Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, k === 'name' ? z.optional(v) : z.optional(z.nullable(v))])) as {
        [K in keyof typeof opportunityFields]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof opportunityFields)[K]>>;
      },
    ),
  };
}
const { create: opportunityCreate, update: opportunityUpdate } = opportunitySchemas();
export { opportunityCreate, opportunityUpdate };
export const opportunity = z.object({
  ...opportunityFields, ...recordMeta,
  /** The stage's win probability when the deal entered it (a later change of the pipeline re-weights it on its next move). */
  probability: z.optional(z.int()),
  /** Set when the deal entered a won or lost stage; cleared when it is reopened. */
  closedAt: z.optional(z.string()),
  stageEnteredAt: z.optional(z.string()),
  ...opportunityAttributionFields,
});

/** GET /api/opportunities/{id}/stage-history: every stage move, newest first. */
export const stageMove = z.object({
  from: z.nullable(z.string()), to: z.string(), at: z.string(), by: z.string(), byName: z.optional(z.string()),
  /** How long the deal was in `from`, in milliseconds (absent for the first entry). */
  msInStage: z.optional(z.int()),
});
