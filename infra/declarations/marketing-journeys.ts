import { detailTypes, EVENT_SOURCE } from '../../contracts/events.ts';
import { JOURNEY_STEP_TARGET } from '../../contracts/marketing/journeys.ts';
import type { FunctionDeclaration } from './functions.ts';
import type { RuleDeclaration, ScheduleDeclaration } from './events.ts';

/**
 * Issue 10 — journeys: its EventBridge rules (on the Cirrus bus), schedule targets and recurring schedules; spread into events.ts.
 * One rule feeds the engine every event a journey starts with (triggers), reacts to (opens and clicks of its
 * emails) or ends with (conversion, unsubscribe, goals); each wait is a one-time schedule on `journey-step`.
 */
const engineAccess = { table: 'readwrite', sendEmail: true, schedules: true } as const;

export const journeysRules: readonly RuleDeclaration[] = [
  {
    name: 'journey-engine',
    description: 'MA-3: events enter people into active journeys (by trigger and re-entry policy), record opens and clicks of journey emails on the run, and end runs on conversion, unsubscribe or a goal',
    eventPattern: {
      source: [EVENT_SOURCE],
      'detail-type': detailTypes(
        'lead.created', 'lead.assigned', 'contact.created', 'lead.updated', 'contact.updated', 'email.opened', 'email.clicked',
        'lead.converted', 'consent.changed', 'opportunity.created', 'lead.qualified', 'lead.disqualified',
      ),
    },
    target: { name: 'journey-engine', entry: 'functions/journeys/trigger.ts', access: engineAccess, timeoutSeconds: 60 },
    retryAttempts: 8,
    maxEventAgeSeconds: 6 * 3600,
  },
];
export const journeysScheduleTargets: readonly FunctionDeclaration[] = [
  { name: JOURNEY_STEP_TARGET, entry: 'functions/journeys/advance.ts', access: engineAccess, timeoutSeconds: 60 },
];
export const journeysSchedules: readonly ScheduleDeclaration[] = [];
