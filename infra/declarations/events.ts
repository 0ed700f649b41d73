import { detailTypes, EVENT_SOURCE } from '../../contracts/events.ts';
import { scheduleTargetNames } from '../../contracts/schedules.ts';
import type { FunctionDeclaration } from './functions.ts';
import { consentRules, consentScheduleTargets, consentSchedules } from './marketing-consent.ts';
import { templatesRules, templatesScheduleTargets, templatesSchedules } from './marketing-templates.ts';
import { campaignsRules, campaignsScheduleTargets, campaignsSchedules } from './marketing-campaigns.ts';
import { journeysRules, journeysScheduleTargets, journeysSchedules } from './marketing-journeys.ts';
import { scoringRules, scoringScheduleTargets, scoringSchedules } from './marketing-scoring.ts';

export { EVENT_SOURCE };

/**
 * The event side, declared once: the custom bus, the stream-to-bus forwarder, the EventBridge rules and
 * the Scheduler group and recurring schedules. Read by the CDK events stack and by the local runtime's
 * EventBridge/Scheduler emulators.
 */

export const eventBus = { logicalName: 'CirrusBus' } as const;
export const scheduleGroup = { logicalName: 'CirrusSchedules' } as const;

/** EventBridge event pattern (the subset Cirrus uses: exact values, prefix, anything-but). */
export type PatternValue = string | number | boolean | { prefix: string } | { 'anything-but': string[] };
/** A field pattern: a list of accepted values, or nested fields. */
export interface PatternObject {
  readonly [field: string]: readonly PatternValue[] | PatternObject;
}
export interface EventPattern {
  readonly source?: readonly string[];
  readonly 'detail-type'?: readonly PatternValue[];
  readonly detail?: PatternObject;
}

export interface RuleDeclaration {
  /** Unique kebab-case rule name. */
  readonly name: string;
  readonly description: string;
  readonly eventPattern: EventPattern;
  /** The target function; invoked asynchronously with the EventBridge event, retried, then dead-lettered. */
  readonly target: FunctionDeclaration;
  readonly retryAttempts: number;
  readonly maxEventAgeSeconds: number;
}

export interface ScheduleDeclaration {
  readonly name: string;
  readonly description: string;
  /** cron(...) or rate(...) in Scheduler syntax, evaluated in `timezone`. */
  readonly expression: string;
  readonly timezone: string;
  readonly target: FunctionDeclaration;
}

/**
 * Support email in (SVC-1): an SES receipt rule whose actions store the raw mail in the files bucket under
 * `objectKeyPrefix` + the SES message id, then invoke `target` as an Event with the receipt notification.
 * `npm start` emulates it with an SMTP listener (infra/local/ses-inbound.ts) that does the same through the local S3.
 */
export interface InboundMailDeclaration {
  readonly description: string;
  readonly objectKeyPrefix: string;
  readonly target: FunctionDeclaration;
  /** Days the raw mails are kept (the bucket's lifecycle rule on the prefix); the ticket keeps what it needs. */
  readonly keepRawDays: number;
}

export const inboundMail: InboundMailDeclaration = {
  description: 'SVC-1: mail to a support address opens a ticket or threads into its ticket',
  objectKeyPrefix: 'inbound/',
  target: { name: 'ticket-inbound-mail', entry: 'functions/tickets/inbound.ts', access: { table: 'readwrite', files: 'readwrite' }, timeoutSeconds: 60, memoryMb: 512 },
  keepRawDays: 30,
};

/** Reads new outbox items from the table stream and puts them on the bus (rule 4: nothing lost). */
export const streamForwarder: FunctionDeclaration = {
  name: 'stream-forwarder',
  entry: 'functions/platform/stream-forwarder.ts',
  access: { putEvents: true },
  timeoutSeconds: 30,
};

export const rules: readonly RuleDeclaration[] = [
  {
    name: 'lead-assignment',
    description: 'SFA-2: a new lead in the queue is assigned by the tenant\'s rules',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': detailTypes('lead.created'), detail: { data: { status: ['new'] } } },
    target: { name: 'lead-assignment', entry: 'functions/assignment/assign-lead.ts', access: { table: 'readwrite' }, timeoutSeconds: 30 },
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
  {
    name: 'lead-follow-up',
    description: 'SFA-5/PLT-7: owner email, notification, call-back task and timer; reminder and escalation; timer cancelled on contact',
    eventPattern: {
      source: [EVENT_SOURCE],
      'detail-type': detailTypes('lead.assigned', 'lead.callback-overdue', 'lead.contacted', 'lead.qualified', 'lead.converted', 'lead.disqualified'),
    },
    target: { name: 'lead-follow-up', entry: 'functions/leads/notify.ts', access: { table: 'readwrite', sendEmail: true, schedules: true }, timeoutSeconds: 30 },
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
  {
    name: 'metadata-field-purge',
    description: 'Issue 7: a deactivated field\'s purge takes its values, index items, search tokens and relation links off every record, page by page, then deletes the field',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': detailTypes('metadata.field_purge_requested') },
    // Resumable (checkpoint per page) and idempotent: a retry or a second delivery goes on from the last checkpoint.
    target: { name: 'metadata-field-purge', entry: 'functions/customization/purge-worker.ts', access: { table: 'readwrite' }, timeoutSeconds: 900, memoryMb: 512 },
    retryAttempts: 20,
    maxEventAgeSeconds: 6 * 3600,
  },
  {
    name: 'activity-reminders',
    description: 'SFA-5: an activity\'s reminder schedule follows it (created, moved by a new reminder time, deleted when done or deleted)',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': detailTypes('activity.created', 'activity.updated', 'activity.deleted', 'activity.restored') },
    target: { name: 'activity-reminders', entry: 'functions/activities/reminders.ts', access: { table: 'read', schedules: true }, timeoutSeconds: 30 },
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
  {
    name: 'follow-up-watchdog',
    description: 'SFA-6: a lead\'s or an open deal\'s follow-up and pool timers start with it and move with each activity logged on it (and a claim from the pool)',
    eventPattern: {
      source: [EVENT_SOURCE],
      'detail-type': detailTypes('activity.created', 'lead.created', 'lead.assigned', 'lead.contacted', 'lead.activity-logged', 'lead.claimed', 'opportunity.created', 'opportunity.stage_changed', 'opportunity.claimed'),
    },
    target: { name: 'follow-up-watchdog', entry: 'functions/follow-up/watchdog.ts', access: { table: 'readwrite', schedules: true }, timeoutSeconds: 30 },
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
  {
    name: 'ticket-sla-timers',
    description: 'SVC-4: a ticket\'s SLA schedules (warning and breach of first response and resolution) follow it: put at the moments to come, moved by replies, status, priority or policy changes, deleted when met, paused or deleted',
    eventPattern: {
      source: [EVENT_SOURCE],
      'detail-type': detailTypes('ticket.created', 'ticket.updated', 'ticket.deleted', 'ticket.restored', 'ticket.replied', 'ticket.noted', 'ticket.customer_replied', 'ticket.assigned', 'ticket.merged', 'ticket.sla_breached'),
    },
    target: { name: 'ticket-sla-timers', entry: 'functions/tickets/sla-timers.ts', access: { table: 'readwrite', schedules: true, sendEmail: true }, timeoutSeconds: 30 },
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
  {
    name: 'ticket-routing',
    description: 'SVC-1: a new ticket nobody has is given to an agent of its queue (in turn, or the one with fewest open tickets; away agents skipped), who is told',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': detailTypes('ticket.created') },
    target: { name: 'ticket-routing', entry: 'functions/tickets/route-ticket.ts', access: { table: 'readwrite', sendEmail: true }, timeoutSeconds: 30 },
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
  {
    name: 'ticket-csat',
    description: 'SVC-5: a solved ticket\'s requester gets the one-question CSAT survey by email, once per solve',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': detailTypes('ticket.updated', 'ticket.replied'), detail: { data: { status: ['solved'] } } },
    target: { name: 'ticket-csat', entry: 'functions/tickets/csat.ts', access: { table: 'readwrite', sendEmail: true }, timeoutSeconds: 30 },
    retryAttempts: 8,
    maxEventAgeSeconds: 3600,
  },
  {
    name: 'ticket-reply-mail',
    description: 'SVC-1: an agent\'s public reply is emailed to the customer from the support address, with the ticket\'s reference and the thread (at most once: claimed before SES is called)',
    eventPattern: { source: [EVENT_SOURCE], 'detail-type': detailTypes('ticket.replied') },
    target: { name: 'ticket-reply-mail', entry: 'functions/tickets/reply-mail.ts', access: { table: 'readwrite', sendEmail: true, files: 'read' }, timeoutSeconds: 60 },
    retryAttempts: 8,
    maxEventAgeSeconds: 6 * 3600,
  },
  // Issue 10 (marketing): each part declares its rules in infra/declarations/marketing-<part>.ts.
  ...consentRules, ...templatesRules, ...campaignsRules, ...journeysRules, ...scoringRules,
];

/** Targets of one-time schedules that functions create at run time (e.g. call-back timers). */
export const scheduleTargets: readonly FunctionDeclaration[] = [
  { name: scheduleTargetNames.leadCallbackCheck, entry: 'functions/leads/callback-check.ts', access: { table: 'readwrite' }, timeoutSeconds: 30 },
  // Each tenant's weekly forecast email (functions/forecast/schedule.ts makes the schedule).
  // A record quiet for the pool days goes to the shared pool (functions/follow-up/watchdog.ts makes the schedule).
  { name: scheduleTargetNames.poolRelease, entry: 'functions/follow-up/pool.ts', access: { table: 'readwrite' }, timeoutSeconds: 30 },
  // A watched record gone quiet (functions/follow-up/watchdog.ts makes the schedule).
  { name: scheduleTargetNames.followUpCheck, entry: 'functions/follow-up/check.ts', access: { table: 'readwrite', sendEmail: true }, timeoutSeconds: 30 },
  // An activity's reminder (functions/activities/reminders.ts makes the schedule).
  { name: scheduleTargetNames.activityReminder, entry: 'functions/activities/reminder-fire.ts', access: { table: 'readwrite', sendEmail: true }, timeoutSeconds: 30 },
  // A ticket's SLA warning or due moment (functions/tickets/sla-timers.ts makes the schedules).
  { name: scheduleTargetNames.slaCheck, entry: 'functions/tickets/sla-check.ts', access: { table: 'readwrite', sendEmail: true }, timeoutSeconds: 30 },
  { name: scheduleTargetNames.forecastEmail, entry: 'functions/forecast/email-job.ts', access: { table: 'readwrite', sendEmail: true }, timeoutSeconds: 300, memoryMb: 512 },
  // Each tenant's NPS survey round (functions/nps/schedule.ts makes the schedule; a round resumes from its checkpoint).
  { name: scheduleTargetNames.npsRound, entry: 'functions/nps/round-job.ts', access: { table: 'readwrite', sendEmail: true, schedules: true }, timeoutSeconds: 300, memoryMb: 512 },
  ...consentScheduleTargets, ...templatesScheduleTargets, ...campaignsScheduleTargets, ...journeysScheduleTargets, ...scoringScheduleTargets,
];

export const schedules: readonly ScheduleDeclaration[] = [
  ...consentSchedules, ...templatesSchedules, ...campaignsSchedules, ...journeysSchedules, ...scoringSchedules,
];
