import * as z from 'zod/mini';

/**
 * SFA-6 follow-up settings (`PUT /api/settings/follow-up`, admin): after `alertAfterDays` without activity the
 * owner and their manager are alerted, once per lapse, for a lead or an open opportunity. `poolAfterDays`,
 * `claimLimit` and `claimCooldownDays` are the shared pool's (公海池), stored with them.
 */
export const followUpSettings = z.strictObject({
  alertAfterDays: z.int().check(z.minimum(1), z.maximum(90)),
  poolAfterDays: z.nullable(z.int().check(z.minimum(1), z.maximum(365))),
  claimLimit: z.int().check(z.minimum(1), z.maximum(1000)),
  claimCooldownDays: z.optional(z.int().check(z.minimum(0), z.maximum(90))),
});
export type FollowUpSettings = z.infer<typeof followUpSettings>;
export const DEFAULT_FOLLOW_UP: FollowUpSettings = { alertAfterDays: 3, poolAfterDays: null, claimLimit: 20, claimCooldownDays: 7 };
