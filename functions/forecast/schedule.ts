import type { CreateScheduleCommandInput } from '@aws-sdk/client-scheduler';
import { putSchedule } from '#commons/schedules.ts';
import { config } from '#commons/config.ts';
import { scheduleTargetNames } from '#contracts/schedules.ts';
import type { ForecastSettings } from '../pipelines/store.ts';

/**
 * Each tenant's weekly forecast email is one recurring EventBridge Scheduler schedule with a deterministic
 * name, a cron expression in the tenant's time zone (Scheduler keeps 08:00 at 08:00 across daylight saving)
 * and the tenant as input. Saving the settings creates or updates it; a disabled email disables it.
 */
export const forecastScheduleName = (tenantId: string) => `forecast-email-${tenantId}`;

/** `cron(0 8 ? * MON *)` for Monday 08:00. */
export function forecastCron(email: ForecastSettings['email']): string {
  const [h, m] = email.time.split(':').map(Number);
  return `cron(${m} ${h} ? * ${email.day} *)`;
}

export async function ensureForecastSchedule(tenantId: string, settings: ForecastSettings): Promise<void> {
  const { groupName, roleArn } = config.schedules();
  const input: CreateScheduleCommandInput = {
    Name: forecastScheduleName(tenantId),
    GroupName: groupName,
    ScheduleExpression: forecastCron(settings.email),
    ScheduleExpressionTimezone: settings.email.timeZone,
    State: settings.email.enabled ? 'ENABLED' : 'DISABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: {
      Arn: config.scheduleTargetArn(scheduleTargetNames.forecastEmail),
      RoleArn: roleArn,
      Input: JSON.stringify({ tenantId }),
      RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
    },
    Description: 'Cirrus CRM: the weekly forecast email of one workspace',
  };
  await putSchedule(input);
}
