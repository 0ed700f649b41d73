import {
  ConflictException, CreateScheduleCommand, DeleteScheduleCommand, ResourceNotFoundException, SchedulerClient, UpdateScheduleCommand,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { config } from './config.ts';
import { correlationId } from './observability.ts';

/**
 * EventBridge Scheduler, as Cirrus uses it: schedules with deterministic names in the Cirrus group, so putting
 * one twice moves it (Create, and Update on ConflictException) and deleting one that fired or never existed is
 * harmless. One-time timers (reminders, follow-up checks) fire once at a UTC instant and delete themselves.
 */
const scheduler = new SchedulerClient({});

/** Creates the schedule, or replaces it with this definition when one of that name exists. */
export async function putSchedule(request: CreateScheduleCommandInput): Promise<void> {
  try {
    await scheduler.send(new CreateScheduleCommand(request));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
    await scheduler.send(new UpdateScheduleCommand(request));
  }
}

/**
 * A one-time timer `name` at `at` (UTC) invoking the schedule target `target` (contracts/schedules.ts) with
 * `input` (and the correlation id of the request or event that set it), deleted after it fires.
 */
export async function putTimer(name: string, target: string, at: Date | string, input: Record<string, unknown>): Promise<void> {
  const { groupName, roleArn } = config.schedules();
  await putSchedule({
    Name: name, GroupName: groupName,
    ScheduleExpression: `at(${new Date(at).toISOString().slice(0, 19)})`, ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' }, ActionAfterCompletion: 'DELETE',
    Target: {
      Arn: config.scheduleTargetArn(target), RoleArn: roleArn,
      Input: JSON.stringify({ ...input, ...(correlationId() ? { correlationId: correlationId() } : {}) }),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
    },
  });
}

/** Deletes the schedule `name`; one that already fired (and deleted itself) or never was is no error. */
export async function deleteSchedule(name: string): Promise<void> {
  try {
    await scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: config.schedules().groupName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
}
