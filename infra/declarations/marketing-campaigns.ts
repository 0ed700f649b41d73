import type { FunctionDeclaration } from './functions.ts';
import type { RuleDeclaration, ScheduleDeclaration } from './events.ts';

/** Issue 10 — campaigns: its EventBridge rules (on the Cirrus bus), schedule targets and recurring schedules; spread into events.ts. */
export const campaignsRules: readonly RuleDeclaration[] = [];
export const campaignsScheduleTargets: readonly FunctionDeclaration[] = [];
export const campaignsSchedules: readonly ScheduleDeclaration[] = [];
