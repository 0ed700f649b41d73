import { computed } from 'vue';
import { currentLocale } from '@/modules/i18n';
import { useSessionStore } from '@/stores/session';
import { useUsersStore } from '@/stores/users';
import { LEAD_TRANSITIONS } from '#schemas/lead.ts';
import type { LeadRecord, LeadStatus } from '@/adapter/leads';

/** Shared bits of the lead pages: status colours, allowed moves, dates in the user's own time zone. */
export const STATUS_TAG: Record<string, 'primary' | 'success' | 'info' | 'warning' | 'danger'> = {
  new: 'primary',
  assigned: 'primary',
  contacted: 'warning',
  qualified: 'success',
  converted: 'success',
  disqualified: 'info',
  duplicate: 'info',
};

export const MANUAL_MOVES = ['contacted', 'qualified', 'disqualified'] as const;
export const allowedMoves = (status: LeadStatus): LeadStatus[] =>
  (LEAD_TRANSITIONS[status] ?? []).filter((s) => (MANUAL_MOVES as readonly string[]).includes(s));

export const COMMON_SOURCES = ['Partner', 'Web', 'Referral', 'Event', 'Phone', 'Email', 'Manual'];

const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** The signed-in user's time zone (their profile's `timeZone`), else the browser's. */
export function useMyTimeZone() {
  const session = useSessionStore();
  const users = useUsersStore();
  return computed(() => {
    const id = session.me?.id;
    const mine = users.users.find((u) => u.id === id) as { timeZone?: string } | undefined;
    return mine?.timeZone || browserZone;
  });
}

export function formatInZone(iso: string | null | undefined, timeZone: string, withZone = false): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    // dateStyle/timeStyle cannot be combined with timeZoneName, so the zone variant spells the parts out.
    const opts: Intl.DateTimeFormatOptions = withZone
      ? { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZone, timeZoneName: 'short' }
      : { dateStyle: 'medium', timeStyle: 'short', timeZone };
    return new Intl.DateTimeFormat(currentLocale.value, opts).format(d);
  } catch {
    return d.toLocaleString();
  }
}

/** A call-back is overdue when it is past due and nobody has contacted the lead since the assignment. */
export function callbackOverdue(l: Pick<LeadRecord, 'callbackDueAt' | 'callbackOverdueAt' | 'status' | 'lastContactedAt'>, now = Date.now()): boolean {
  if (!l.callbackDueAt) return false;
  if (l.status !== 'new' && l.status !== 'assigned') return false;
  return Boolean(l.callbackOverdueAt) || Date.parse(l.callbackDueAt) < now;
}

/** Shows a call-back time only while it still matters (before the first contact). */
export const callbackPending = (l: Pick<LeadRecord, 'callbackDueAt' | 'status'>) =>
  Boolean(l.callbackDueAt) && (l.status === 'new' || l.status === 'assigned');

export function leadDisplayName(l: Pick<LeadRecord, 'name' | 'firstName' | 'lastName' | 'email'>): string {
  return l.name || [l.firstName, l.lastName].filter(Boolean).join(' ') || l.email || '—';
}
