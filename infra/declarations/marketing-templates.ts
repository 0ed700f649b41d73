import type { FunctionDeclaration } from './functions.ts';
import type { RuleDeclaration, ScheduleDeclaration } from './events.ts';

/** Issue 10 — templates: its EventBridge rules (on the Cirrus bus), schedule targets and recurring schedules; spread into events.ts. */
export const templatesRules: readonly RuleDeclaration[] = [];
export const templatesScheduleTargets: readonly FunctionDeclaration[] = [];
export const templatesSchedules: readonly ScheduleDeclaration[] = [];
