import { appUrl } from '#commons/app-url.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import type { RelatedRef } from '#schemas/activity.ts';
import { deliverOnce, recipientOf } from '../notifications/deliver.ts';
import { activityReminderMail } from '../notifications/templates.ts';
import { recordDeps } from '../records/deps.ts';
import type { RecordStore } from '../records/store.ts';
import type { ReminderInput } from './reminders.ts';

/**
 * Fires at an activity's reminder time: the owner gets an in-app notification and an email, in their
 * language with times in their time zone. Checked against the activity as it is now: done, deleted, or a
 * reminder moved to another time (an older schedule firing late) does nothing; the notification is keyed by
 * the activity and the reminder time, so a second firing of the same schedule delivers nothing twice.
 */
export async function fireReminder(input: ReminderInput, store: RecordStore): Promise<'reminded' | 'already-reminded' | 'nothing-to-do'> {
  const activity = await store.get(input.tenantId, 'activity', input.activityId);
  if (!activity || activity.deletedAt || activity.done === true || activity.remindAt !== input.remindAt) return 'nothing-to-do';
  const owner = await recipientOf(input.tenantId, activity.ownerId);
  if (!owner) return 'nothing-to-do';
  const about = (Array.isArray(activity.relatedTo) ? (activity.relatedTo as RelatedRef[]) : [])[0];
  const mail = activityReminderMail({
    id: activity.id, type: String(activity.type), subject: activity.name,
    ...(typeof activity.dueAt === 'string' ? { dueAt: activity.dueAt } : {}),
    ...(typeof activity.startAt === 'string' ? { startAt: activity.startAt } : {}),
    ...(about ? { about } : {}),
  }, owner.language, owner.timeZone, await appUrl());
  const delivered = await deliverOnce(input.tenantId, owner, `reminder:${activity.id}:${input.remindAt}`, {
    at: input.remindAt, kind: 'activity-reminder',
    subject: { type: 'activity', id: activity.id, name: activity.name },
    data: { title: mail.subject, activityType: String(activity.type), ...(about ? { about } : {}) },
  }, mail);
  return delivered ? 'reminded' : 'already-reminded';
}

async function fromSchedule(event: ReminderInput): Promise<string> {
  const result = await fireReminder(event, recordDeps().store);
  await logger.info('activity reminder', { ...event, result });
  return result;
}

/** The Scheduler target `activity-reminder`. */
export const handler = withObservability(fromSchedule);
