import type { FunctionDeclaration } from './functions.ts';
import type { RuleDeclaration, ScheduleDeclaration } from './events.ts';

/** Issue 10 — consent: its EventBridge rules (on the Cirrus bus), schedule targets and recurring schedules; spread into events.ts. */
export const consentRules: readonly RuleDeclaration[] = [];
export const consentScheduleTargets: readonly FunctionDeclaration[] = [];
export const consentSchedules: readonly ScheduleDeclaration[] = [];
