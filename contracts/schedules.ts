/**
 * What functions that create one-time schedules need to know about their targets, shared by the
 * declarations (infra/declarations/events.ts wires the targets) and the functions (which name them).
 */
export const scheduleTargetNames = {
  /** Fires when a lead's call-back window passes (SFA-5). */
  leadCallbackCheck: 'lead-callback-check',
  /** Fires each tenant's weekly forecast email (AN-7): a recurring schedule per tenant. */
  forecastEmail: 'forecast-email',
  /** Fires at an activity's reminder time (SFA-5): a one-time schedule per activity. */
  activityReminder: 'activity-reminder',
  /** Fires when a watched record has gone quiet for the tenant's follow-up days (SFA-6): one per record, moved by activity. */
  followUpCheck: 'follow-up-check',
  /** Releases a record to the shared pool after the tenant's pool days without activity (SFA-6). */
  poolRelease: 'pool-release',
  /** Fires at a ticket's SLA warning or due moment (SVC-4): one-time schedules per ticket, moved by its changes. */
  slaCheck: 'sla-check',
  /** Fires each tenant's NPS survey round (SVC-5): a recurring schedule per tenant (functions/nps/schedule.ts). */
  npsRound: 'nps-round',
} as const;

/** Environment variable under which a schedule target's Lambda ARN reaches the functions that create schedules. */
export const scheduleTargetEnvName = (name: string) => `SCHEDULE_TARGET_${name.toUpperCase().replace(/-/g, '_')}_ARN`;
