import type { CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { config } from '#commons/config.ts';
import { putSchedule } from '#commons/schedules.ts';
import { scheduleTargetNames } from '#contracts/schedules.ts';
import type { NpsSettings } from '#schemas/nps.ts';
import { npsCron } from './cadence.ts';

/**
 * Each tenant's NPS rounds are one recurring EventBridge Scheduler schedule with a deterministic name, the
 * program's cron expression in its time zone and the tenant as input (as the forecast email's). Saving the
 * settings creates or updates it; a program turned off (or without a segment) disables it.
 */
export const npsScheduleName = (tenantId: string) => `nps-round-${tenantId}`;

export async function ensureNpsSchedule(tenantId: string, settings: NpsSettings): Promise<void> {
  const { groupName, roleArn } = config.schedules();
  const input: CreateScheduleCommandInput = {
    Name: npsScheduleName(tenantId),
    GroupName: groupName,
    ScheduleExpression: npsCron(settings),
    ScheduleExpressionTimezone: settings.timeZone,
    State: settings.enabled && settings.segmentViewId ? 'ENABLED' : 'DISABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: config.scheduleTargetArn(scheduleTargetNames.npsRound),
      RoleArn: roleArn,
      Input: JSON.stringify({ tenantId }),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
    },
    Description: 'Cirrus CRM: the NPS survey rounds of one workspace',
  };
  await putSchedule(input);
}
