import { detailTypes, EVENT_SOURCE } from '../../contracts/events.ts';
import type { FunctionDeclaration } from './functions.ts';
import type { RuleDeclaration, ScheduleDeclaration } from './events.ts';

/** Issue 10 — scoring: its EventBridge rules (on the Cirrus bus), schedule targets and recurring schedules; spread into events.ts. */
const scoringFunction: FunctionDeclaration = {
  name: 'lead-scoring', entry: 'functions/scoring/consumer.ts', access: { table: 'readwrite', schedules: true }, timeoutSeconds: 30,
};

export const scoringRules: readonly RuleDeclaration[] = [
  {
    name: 'lead-scoring',
    description: 'MA-4: demographic rules on lead changes, behaviour rules on opens, clicks, form fills and activities; once per event; the decay timer moves',
    eventPattern: {
      source: [EVENT_SOURCE],
      'detail-type': detailTypes('lead.created', 'lead.updated', 'lead.contacted', 'lead.qualified', 'email.opened', 'email.clicked', 'activity.created'),
    },
    target: scoringFunction,
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
  {
    name: 'lead-mql-handoff',
    description: 'MA-4: an MQL goes to sales: the assignment rules when it has no owner, and a task for its owner',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': detailTypes('lead.mql') },
    target: { name: 'lead-mql-handoff', entry: 'functions/scoring/handoff.ts', access: { table: 'readwrite' }, timeoutSeconds: 30 },
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
];

/** A lead's decay timer fires here (functions/scoring/service.ts puts it: `lead-score-decay-<leadId>`). */
export const scoringScheduleTargets: readonly FunctionDeclaration[] = [
  { name: 'lead-score-decay', entry: 'functions/scoring/decay.ts', access: { table: 'readwrite', schedules: true }, timeoutSeconds: 30 },
];
export const scoringSchedules: readonly ScheduleDeclaration[] = [];
