import * as z from 'zod/mini';
import { id, longText, recordMeta, shortText } from './common.ts';

/**
 * SFA-5 activities: a call, meeting, email, note or task, linked to the records it is about (accounts,
 * contacts, leads, opportunities) and shown on their timelines. A task has a due time; a meeting a start and
 * an end; any activity may carry a reminder time, at which its owner is reminded (functions/activities/reminders.ts).
 */
export const ACTIVITY_TYPES = ['call', 'meeting', 'email', 'note', 'task'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** The objects an activity may be linked to (tickets join them with the service desk). */
export const ACTIVITY_RELATED_OBJECTS = ['accounts', 'contacts', 'leads', 'opportunities'] as const;
/** An activity is about at most this many records: one link item and one timeline entry each, in its transaction. */
export const MAX_ACTIVITY_RELATED = 10;

/** Outcomes of a call, email or meeting: the keys a lead's logged contact uses too, so timelines label them alike. */
export const ACTIVITY_OUTCOMES = ['reached', 'voicemail', 'no-answer', 'wrong-number', 'callback-requested', 'sent', 'replied', 'held', 'no-show', 'rescheduled'] as const;

const instant = z.iso.datetime({ offset: true });

export const relatedRef = z.strictObject({ object: z.enum(ACTIVITY_RELATED_OBJECTS), id });
export type RelatedRef = z.infer<typeof relatedRef>;

const activityFields = {
  type: z.enum(ACTIVITY_TYPES),
  subject: shortText(200),
  notes: z.optional(longText(4000)),
  outcome: z.optional(z.enum(ACTIVITY_OUTCOMES)),
  dueAt: z.optional(instant),
  startAt: z.optional(instant),
  endAt: z.optional(instant),
  remindAt: z.optional(instant),
  done: z.optional(z.boolean()),
  relatedTo: z.optional(z.array(relatedRef).check(z.maxLength(MAX_ACTIVITY_RELATED, `An activity is about at most ${MAX_ACTIVITY_RELATED} records`))),
  ownerId: z.optional(id),
};

export const activityCreate = z.strictObject(activityFields);
export const activityUpdate = z.strictObject(
  Object.fromEntries(Object.entries(activityFields).map(([k, v]) => [k, k === 'type' || k === 'subject' ? z.optional(v) : z.optional(z.nullable(v))])) as {
    [K in keyof typeof activityFields]: z.ZodMiniOptional<z.ZodMiniNullable<(typeof activityFields)[K]>>;
  },
);

export const activity = z.object({
  ...activityFields, ...recordMeta,
  /** Set when the activity was marked done; cleared when it is reopened. */
  doneAt: z.optional(z.string()),
});
export type Activity = z.infer<typeof activity>;

/** GET /api/my-day: the signed-in user's overdue and today's tasks, upcoming meetings, and a week's calendar. */
export const myDayQuery = z.strictObject({
  /** The first day of the week shown (YYYY-MM-DD in the user's time zone); default: this week's Monday. */
  week: z.optional(z.iso.date()),
});
