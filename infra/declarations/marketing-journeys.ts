import type { FunctionDeclaration } from './functions.ts';
import type { RuleDeclaration, ScheduleDeclaration } from './events.ts';

/** Issue 10 — journeys: its EventBridge rules (on the Cirrus bus), schedule targets and recurring schedules; spread into events.ts. */
export const journeysRules: readonly RuleDeclaration[] = [];
export const journeysScheduleTargets: readonly FunctionDeclaration[] = [];
export const journeysSchedules: readonly ScheduleDeclaration[] = [];
