import type { FunctionDeclaration } from './functions.ts';
import type { RuleDeclaration, ScheduleDeclaration } from './events.ts';

/** Issue 10 — scoring: its EventBridge rules (on the Cirrus bus), schedule targets and recurring schedules; spread into events.ts. */
export const scoringRules: readonly RuleDeclaration[] = [];
export const scoringScheduleTargets: readonly FunctionDeclaration[] = [];
export const scoringSchedules: readonly ScheduleDeclaration[] = [];
