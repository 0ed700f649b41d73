import * as z from 'zod/mini';
import { viewWhere } from '../view.ts';

/**
 * Issue 10 — nurturing journeys (MA-3) as data: a trigger (a catalogued event and a `where` on the person's
 * fields in the views' condition shape), steps linked by `next` (default: the following step) or a branch's
 * `then`/`else`, exits and a re-entry policy. The shape is loose enough for the schema to read every step;
 * functions/journeys/validate.ts then names every bad field (unknown step ids, cycles without a wait, a step
 * missing what its type needs, templates that do not exist).
 */
export const JOURNEY_STEP_TYPES = ['wait', 'sendEmail', 'branch', 'createTask', 'updateField', 'addTag', 'addToCampaign', 'notifyOwner', 'handToSales', 'exit'] as const;
export type JourneyStepType = (typeof JOURNEY_STEP_TYPES)[number];

/** Events that can start a journey (the `journey-engine` rule listens to them). */
export const JOURNEY_TRIGGER_EVENTS = [
  'lead.created', 'contact.created', 'lead.updated', 'contact.updated', 'email.opened', 'email.clicked',
  // A lead or contact newly in a segment (a saved view of leads or contacts): its creation or a change of a
  // field the segment's filter names makes it match (functions/journeys/trigger.ts).
  'segment.joined',
] as const;
export type JourneyTriggerEvent = (typeof JOURNEY_TRIGGER_EVENTS)[number];
/** Goals that end a journey for the person (besides conversion and unsubscribing). */
export const JOURNEY_GOAL_EVENTS = ['opportunity.created', 'lead.qualified', 'lead.disqualified'] as const;
/** Events a wait can wait for (with a timeout). */
export const JOURNEY_WAIT_EVENTS = ['email.opened', 'email.clicked'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const stepId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,32}$/, 'A step id is 1–32 letters, digits, _ or -'));
/** ISO 8601 duration: PnW, or PnDTnHnMnS (at least one part); days are calendar days in the person's zone. */
export const isoDuration = z.string().check(z.regex(/^P(?!$)(\d+W|(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?)$/, 'Use an ISO 8601 duration such as P2D, PT4H or P1W'));
const hhmm = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time as HH:MM (24 h)'));

export const journeyCondition = z.strictObject({
  opened: z.optional(stepId),
  clicked: z.optional(stepId),
  where: z.optional(viewWhere),
});

export const journeyStep = z.strictObject({
  id: stepId,
  type: z.enum(JOURNEY_STEP_TYPES),
  /** Default: the following step (the end for the last one). */
  next: z.optional(stepId),
  // wait
  duration: z.optional(isoDuration),
  until: z.optional(z.strictObject({ weekday: z.enum(WEEKDAYS), time: hhmm })),
  event: z.optional(z.enum(JOURNEY_WAIT_EVENTS)),
  timeout: z.optional(isoDuration),
  // sendEmail
  templateId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
  // branch
  if: z.optional(journeyCondition),
  then: z.optional(stepId),
  else: z.optional(stepId),
  // createTask, notifyOwner
  subject: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
  dueIn: z.optional(isoDuration),
  message: z.optional(z.string().check(z.maxLength(1000))),
  // updateField
  field: z.optional(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'A field API name'))),
  value: z.optional(z.union([z.string().check(z.maxLength(1000)), z.number(), z.boolean(), z.null()])),
  // addTag
  tag: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(40))),
  remove: z.optional(z.boolean()),
  // addToCampaign
  campaignId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});
export type JourneyStep = z.infer<typeof journeyStep>;

export const journeyTrigger = z.strictObject({
  event: z.enum(JOURNEY_TRIGGER_EVENTS),
  where: z.optional(viewWhere),
  /** For `segment.joined`: the saved view (segment) of leads or contacts. */
  segmentId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});

export const journeyReentry = z.strictObject({
  policy: z.enum(['once', 'afterDays', 'always']),
  days: z.optional(z.int().check(z.minimum(1), z.maximum(3650))),
});

export const journeyExits = z.strictObject({
  /** A lead converted (lead.converted) leaves (default true). */
  onConversion: z.optional(z.boolean()),
  /** An unsubscribe (consent.changed to unsubscribed) leaves (default true). */
  onUnsubscribe: z.optional(z.boolean()),
  /** A goal reached leaves: the event names it (an opportunity created for the person…). */
  goal: z.optional(z.enum(JOURNEY_GOAL_EVENTS)),
});

/** POST /api/journeys and PUT /api/journeys/{id}. */
export const journeyInput = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  description: z.optional(z.string().check(z.maxLength(2000))),
  trigger: journeyTrigger,
  steps: z.array(journeyStep).check(z.minLength(1), z.maxLength(60)),
  reentry: z.optional(journeyReentry),
  exits: z.optional(journeyExits),
  /** The zone for waits of people whose own zone is unknown (IANA; default UTC). */
  timeZone: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
});
export type JourneyInput = z.infer<typeof journeyInput>;

export const JOURNEY_STATUSES = ['draft', 'active', 'paused'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

export const journeyCounts = z.object({ entered: z.int(), active: z.int(), exited: z.int(), completed: z.int() });
export const stepCounts = z.object({ here: z.int(), waiting: z.int(), exited: z.int(), done: z.int() });

/** A journey as the API answers it (the ETag is `version`). */
export const journey = z.object({
  ...journeyInput.shape,
  id: z.string(),
  status: z.enum(JOURNEY_STATUSES),
  version: z.int(),
  /** The version people entering now get (the last one activated or saved while active). */
  liveVersion: z.optional(z.int()),
  counts: journeyCounts,
  createdAt: z.string(), createdBy: z.string(), updatedAt: z.string(), updatedBy: z.string(),
});

export const journeyStats = z.object({
  journeyId: z.string(), version: z.int(), counts: journeyCounts,
  steps: z.record(z.string(), stepCounts),
});

export const journeyHistoryEntry = z.object({
  at: z.string(), run: z.int(), version: z.int(), stepId: z.optional(z.string()),
  what: z.string(), detail: z.optional(z.record(z.string(), z.unknown())),
});

/** Where one person is in one journey. */
export const journeyMember = z.object({
  journeyId: z.string(), journeyName: z.optional(z.string()), recordId: z.string(), object: z.enum(['leads', 'contacts']),
  run: z.int(), version: z.int(), status: z.enum(['active', 'waiting', 'completed', 'exited']),
  stepId: z.optional(z.string()), stepType: z.optional(z.string()), waitingUntil: z.optional(z.string()),
  enteredAt: z.string(), endedAt: z.optional(z.string()), exitReason: z.optional(z.string()),
  history: z.array(journeyHistoryEntry),
});
