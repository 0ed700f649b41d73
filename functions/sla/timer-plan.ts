import type { SlaTarget, TicketSla } from './sla-state.ts';

/**
 * Which Scheduler one-time schedules a ticket's SLA needs now (SVC-4), pure. Each due moment is its own
 * schedule with a deterministic name — `sla-<ticketId>-<target>-<moment>` — so a change of the ticket puts the
 * same names again (moving them) and deletes those no longer wanted; a firing carries the moment it was made
 * for and is checked against the ticket as stored (a moved target's old firing does nothing).
 */
export const SLA_TARGETS = ['firstResponse', 'resolution'] as const;
export const SLA_MOMENTS = ['warning', 'breach'] as const;
export type SlaTargetName = (typeof SLA_TARGETS)[number];
export type SlaMoment = (typeof SLA_MOMENTS)[number];

const slug: Record<SlaTargetName, string> = { firstResponse: 'first-response', resolution: 'resolution' };
export const slaScheduleName = (ticketId: string, target: SlaTargetName, moment: SlaMoment) => `sla-${ticketId}-${slug[target]}-${moment}`;

export interface SlaTimer { name: string; target: SlaTargetName; moment: SlaMoment; at: string }

/** The moment of a target that is still to come, if the target runs and has not reached it. */
function momentAt(t: SlaTarget, moment: SlaMoment): string | undefined {
  if (!t.runningSince) return undefined;
  if (moment === 'breach') return t.breachedAt ? undefined : t.dueAt;
  return t.state === 'onTrack' ? t.warnAt : undefined;
}

/**
 * Every schedule of the ticket, wanted (`at` set: put it) or not (`at` undefined: delete it). A moment already
 * past is wanted too: the caller checks it at once instead of scheduling the past.
 */
export function slaTimers(ticketId: string, sla: TicketSla | undefined, live: boolean): (Omit<SlaTimer, 'at'> & { at?: string })[] {
  return SLA_TARGETS.flatMap((target) => SLA_MOMENTS.map((moment) => {
    const at = live && sla ? momentAt(sla[target], moment) : undefined;
    return { name: slaScheduleName(ticketId, target, moment), target, moment, ...(at ? { at } : {}) };
  }));
}
