import type { RouteLocationRaw } from 'vue-router';
import type { Capabilities } from '@/adapter/records';

/**
 * Where a person starts, from what the server lets them do (`GET /api/me` → `can`), not from role names:
 * those who look after the assignment rules start at the unassigned queue (what the rules did not place),
 * those who see a team's workload at the team's leads, those who work leads at their own leads, those who
 * run web forms at the forms, everyone else at the contacts.
 */
export function homeFor(can: Capabilities | null | undefined): RouteLocationRaw {
  if (!can) return { name: 'contacts' };
  if (can.settings?.assignmentRulesManage && can.leads?.claim) return { name: 'leads', query: { tab: 'queue' } };
  if (can.users?.readWorkload && can.leads?.claim) return { name: 'leads', query: { tab: 'team' } };
  if (can.leads?.claim) return { name: 'leads' };
  if (can.settings?.forms) return { name: 'admin-forms' };
  return { name: 'contacts' };
}
