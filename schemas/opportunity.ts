import * as z from 'zod/mini';
import { id, money, recordMeta, shortText, tags } from './common.ts';

/** SFA-4 (stub for now): what a converted lead may become; pipelines and stages come later. */
const opportunityFields = {
  name: shortText(200),
  accountId: z.optional(id),
  contactId: z.optional(id),
  amount: z.optional(money),
  stage: z.optional(z.enum(['prospecting', 'qualification', 'proposal', 'negotiation', 'won', 'lost'])),
  closeDate: z.optional(z.iso.date()),
  leadId: z.optional(id),
  tags: z.optional(tags),
  ownerId: z.optional(id),
};
export const opportunityCreate = z.strictObject(opportunityFields);
export const opportunityUpdate = z.strictObject(
  Object.fromEntries(Object.entries(opportunityFields).map(([k, v]) => [k, k === 'name' ? z.optional(v) : z.optional(z.nullable(v))])) as {
    [K in keyof typeof opportunityFields]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof opportunityFields)[K]>>;
  },
);
export const opportunity = z.object({ ...opportunityFields, ...recordMeta });
