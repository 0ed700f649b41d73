import * as z from 'zod/mini';
import { countryCode, id, shortText } from './common.ts';

/** SFA-2 assignment rules: data edited by admins, evaluated in order on every new lead. */
const list = (item: z.ZodMiniType<string>) => z.optional(z.array(item).check(z.maxLength(50)));

export const assignmentConditions = z.strictObject({
  countries: list(countryCode),
  regions: list(shortText(100)),
  industries: list(shortText(100)),
  sources: list(shortText(100)),
  companySizeMin: z.optional(z.int().check(z.minimum(0))),
  companySizeMax: z.optional(z.int().check(z.minimum(0))),
  scoreMin: z.optional(z.int().check(z.minimum(0), z.maximum(100))),
});

export const assignmentTarget = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('user'), userId: id }),
  z.strictObject({
    type: z.literal('team'),
    name: shortText(100),
    members: z.array(id).check(z.minLength(1), z.maxLength(100)),
    strategy: z.enum(['round-robin', 'least-loaded']),
  }),
]);

export const assignmentRule = z.strictObject({
  id: z.string().check(z.regex(/^[a-z0-9-]{1,40}$/, 'Use lower-case letters, digits and dashes')),
  name: shortText(100),
  enabled: z.boolean(),
  conditions: assignmentConditions,
  assign: assignmentTarget,
  /** Hours the owner has to call the lead back before a reminder and an escalation (SFA-5). */
  callbackHours: z.optional(z.int().check(z.minimum(1), z.maximum(720))),
});

export const assignmentRuleSet = z.strictObject({
  rules: z.array(assignmentRule).check(
    z.maxLength(100),
    z.refine((rules) => new Set(rules.map((r) => r.id)).size === rules.length, 'Rule ids must be unique'),
  ),
});

export const DEFAULT_CALLBACK_HOURS = 48;

export type AssignmentRule = z.infer<typeof assignmentRule>;
export type AssignmentConditions = z.infer<typeof assignmentConditions>;
