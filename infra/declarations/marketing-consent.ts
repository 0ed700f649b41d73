import type { FunctionDeclaration } from './functions.ts';
import type { EventPattern, RuleDeclaration, ScheduleDeclaration } from './events.ts';

/** Issue 10 — consent: its EventBridge rules (on the Cirrus bus), schedule targets and recurring schedules; spread into events.ts. */

/** SES's EventBridge detail-types of the configuration set's events that Cirrus takes in. */
export const SES_EVENT_DETAIL_TYPES = ['Email Sent', 'Email Delivered', 'Email Bounced', 'Email Complaint Received', 'Email Opened', 'Email Clicked'] as const;

/**
 * A rule on the account's DEFAULT bus whose target is the Cirrus bus: a configuration set's EventBridge event
 * destination delivers only to the default bus (AWS::SES::ConfigurationSetEventDestination, "Only the default bus
 * is supported"), so SES's events are forwarded from there. The events stack builds it (with a DLQ and a role to
 * put events on the Cirrus bus); the local EventBridge emulator applies it to what the SES emulator publishes.
 */
export interface BusForwardingDeclaration {
  readonly name: string;
  readonly description: string;
  readonly eventPattern: EventPattern;
}

export const sesEventForwarding: BusForwardingDeclaration = {
  name: 'ses-events-to-cirrus',
  description: 'Issue 10: the configuration set\'s SES events (default bus) forwarded to the Cirrus bus',
  eventPattern: { source: ['aws.ses'], 'detail-type': [...SES_EVENT_DETAIL_TYPES] },
};

export const emailEventsConsumer: FunctionDeclaration = {
  name: 'email-events', entry: 'functions/email-events/consumer.ts', access: { table: 'readwrite' }, timeoutSeconds: 30,
};

export const consentRules: readonly RuleDeclaration[] = [
  {
    name: 'email-events',
    description: 'Issue 10: SES events of marketing email (sent, delivered, bounced, complained, opened, clicked) update its send record, suppress hard bounces and complaints, and are published as email.* events about the contact or lead',
    eventPattern: { source: ['aws.ses'], 'detail-type': [...SES_EVENT_DETAIL_TYPES] },
    target: emailEventsConsumer,
    retryAttempts: 8,
    maxEventAgeSeconds: 6 * 3600,
  },
];
export const consentScheduleTargets: readonly FunctionDeclaration[] = [];
export const consentSchedules: readonly ScheduleDeclaration[] = [];
