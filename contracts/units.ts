import { mergeAccess, type DeployedFunction, type FunctionAccess } from './access.ts';

/**
 * Deploy units: one Lambda per bounded context serves all of that context's routes through a router keyed
 * on the API Gateway `routeKey` (functions/units/<unit>.ts). Grouping keeps the API stack within its
 * CloudFormation budget (a unit is a function, role, policy, log group, integration and one permission,
 * whatever its number of routes) and lets one warm container answer a whole page (record, timeline, audit).
 * Public intake stays apart: it scales with partners' traffic, not with staff.
 */
export interface UnitDeclaration {
  /** Kebab-case; the Lambda bundle is dist/functions/<name>/index.mjs. */
  readonly name: string;
  /** The router module; it exports `handler` and `routes` (route key → handler). */
  readonly entry: string;
  readonly description: string;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
}

export const units = {
  platform: { name: 'platform', entry: 'functions/units/platform.ts', description: 'health and the API documents (public)' },
  directory: { name: 'directory', entry: 'functions/units/directory.ts', description: 'the signed-in user and the tenant\'s users' },
  inbox: { name: 'inbox', entry: 'functions/units/inbox.ts', description: 'notifications, activities and reminders, my day and the calendar feed of the signed-in user (SFA-5)' },
  records: { name: 'records', entry: 'functions/units/records.ts', description: 'accounts and contacts (CD-1, CD-2)' },
  sales: { name: 'sales', entry: 'functions/units/sales.ts', description: 'opportunities (SFA-4)' },
  leads: { name: 'leads', entry: 'functions/units/leads.ts', description: 'leads and their workflow: claim, log contact, convert (SFA-3)' },
  service: { name: 'service', entry: 'functions/units/service.ts', description: 'the service desk: tickets, their conversation and SLA (SVC-1, SVC-4)' },
  settings: { name: 'settings', entry: 'functions/units/settings.ts', description: 'admin settings: partners, web-to-lead forms, assignment rules' },
  portal: { name: 'portal', entry: 'functions/units/portal.ts', description: 'what customers reach without a staff sign-in: CSAT surveys and the customer portal (SVC-3, SVC-5)' },
  marketing: { name: 'marketing', entry: 'functions/units/marketing.ts', description: 'marketing: consent, email templates, campaigns and their sends, nurturing journeys, lead scoring (MA-1…MA-4, MA-6, CD-9)', timeoutSeconds: 30 },
  intake: { name: 'intake', entry: 'functions/units/intake.ts', description: 'public lead intake: partner webhooks and web-to-lead submissions' },
} as const satisfies Record<string, UnitDeclaration>;

export type UnitName = keyof typeof units;

/**
 * The Lambda function of each unit that serves at least one route: its access is the union of its routes'
 * access (least privilege per unit).
 */
export function unitFunctions(
  routes: ReadonlyArray<{ readonly unit: string; readonly access: FunctionAccess }>,
  declaredUnits: Readonly<Record<string, UnitDeclaration>> = units,
): DeployedFunction[] {
  const byUnit = new Map<string, DeployedFunction>();
  for (const r of routes) {
    const unit = declaredUnits[r.unit];
    if (!unit) throw new Error(`A route names unit "${r.unit}", which is not declared in contracts/units.ts`);
    const seen = byUnit.get(unit.name);
    byUnit.set(unit.name, seen
      ? { ...seen, access: mergeAccess(seen.access, r.access) }
      : {
          name: unit.name, entry: unit.entry, access: r.access,
          ...(unit.memoryMb ? { memoryMb: unit.memoryMb } : {}),
          ...(unit.timeoutSeconds ? { timeoutSeconds: unit.timeoutSeconds } : {}),
        });
  }
  return [...byUnit.values()];
}
