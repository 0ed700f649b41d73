import { ConflictException, CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { deleteSchedule } from '#commons/schedules.ts';
import { config } from '#commons/config.ts';
import { correlationId } from '#commons/observability.ts';
import { scheduleTargetNames } from '#contracts/schedules.ts';

/**
 * The 48 h call-back timer (SFA-5) is one EventBridge Scheduler one-time schedule per lead assignment.
 * Its name is derived from the lead and the assignment time, so creating it twice or cancelling it after
 * it fired are both harmless.
 */
const scheduler = new SchedulerClient({});
export const CALLBACK_CHECK_FUNCTION = scheduleTargetNames.leadCallbackCheck;

export const callbackScheduleName = (leadId: string, assignedAt: string) => `lead-callback-${leadId}-${Math.floor(Date.parse(assignedAt) / 1000)}`;

export interface CallbackInput {
  tenantId: string;
  leadId: string;
  assignedAt: string;
}

export async function startCallbackTimer(input: CallbackInput, dueAt: string): Promise<void> {
  const { groupName, roleArn } = config.schedules();
  try {
    await scheduler.send(new CreateScheduleCommand({
      Name: callbackScheduleName(input.leadId, input.assignedAt),
      GroupName: groupName,
      ScheduleExpression: `at(${dueAt.slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: config.scheduleTargetArn(CALLBACK_CHECK_FUNCTION),
        RoleArn: roleArn,
        // The timer's firing continues the correlation of the assignment that started it.
        Input: JSON.stringify({ ...input, ...(correlationId() ? { correlationId: correlationId() } : {}) }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      },
    }));
  } catch (error) {
    if (!(error instanceof ConflictException)) throw error;
  }
}

export const cancelCallbackTimer = (leadId: string, assignedAt: string): Promise<void> => deleteSchedule(callbackScheduleName(leadId, assignedAt));
