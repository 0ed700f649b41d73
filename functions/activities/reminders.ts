import type { EventBridgeEvent } from 'aws-lambda';
import { systemClock } from '#commons/clock.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { deleteSchedule, putTimer } from '#commons/schedules.ts';
import { parseEvent } from '#contracts/events.ts';
import { scheduleTargetNames } from '#contracts/schedules.ts';
import { recordDeps } from '../records/deps.ts';
import type { RecordStore } from '../records/store.ts';

/**
 * Where activity reminders are set (SFA-5): one EventBridge Scheduler one-time schedule per activity, named
 * after it (`activity-reminder-<id>`), at its `remindAt`. This consumer of the activity's events reads the
 * activity as it is now (so events arriving late or twice change nothing) and makes the schedule match: a
 * live, open activity with a reminder time still ahead has its schedule at that time (created, or moved by
 * UpdateSchedule); any other (done, deleted, reminder cleared or passed) has none. The firing is checked
 * again against the activity (functions/activities/reminder-fire.ts) and delivered once per reminder time.
 */
export const reminderScheduleName = (activityId: string) => `activity-reminder-${activityId}`;

export interface ReminderInput {
  tenantId: string;
  activityId: string;
  /** The reminder time the schedule was made for: a firing for a time since moved does nothing. */
  remindAt: string;
}

/** What the activity's reminder schedule should be now: its time, or none. */
export function wantedReminder(activity: Record<string, unknown> | undefined, now: Date): string | undefined {
  if (!activity || activity.deletedAt || activity.done === true || typeof activity.remindAt !== 'string') return undefined;
  return Date.parse(activity.remindAt) > now.getTime() ? activity.remindAt : undefined;
}

/** Creates the schedule, or moves it when it exists (a changed reminder time). */
export async function putReminderSchedule(input: ReminderInput): Promise<void> {
  await putTimer(reminderScheduleName(input.activityId), scheduleTargetNames.activityReminder, input.remindAt, { ...input });
}

export const deleteReminderSchedule = (activityId: string) => deleteSchedule(reminderScheduleName(activityId));

/** Makes the activity's reminder schedule match the activity as stored now. */
export async function syncReminder(store: RecordStore, tenantId: string, activityId: string, now: Date): Promise<'scheduled' | 'cleared'> {
  const activity = await store.get(tenantId, 'activity', activityId);
  const remindAt = wantedReminder(activity, now);
  if (remindAt) {
    await putReminderSchedule({ tenantId, activityId, remindAt });
    return 'scheduled';
  }
  await deleteReminderSchedule(activityId);
  return 'cleared';
}

const FOLLOWED = ['activity.created', 'activity.updated', 'activity.deleted', 'activity.restored'] as const;

async function onActivityEvent(event: EventBridgeEvent<string, unknown>): Promise<void> {
  const d = parseEvent(event.detail, FOLLOWED);
  const result = await syncReminder(recordDeps().store, d.tenantId, d.subject.id, systemClock());
  await logger.info('activity reminder synced', { event: d.name, activityId: d.subject.id, result });
}

/** The Lambda handler of the `activity-reminders` rule. */
export const handler = withObservability(onActivityEvent);
