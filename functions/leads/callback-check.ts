import type { Principal } from '#commons/auth.ts';
import { logger } from '#commons/logger.ts';
import { HttpProblem } from '#commons/problem.ts';
import { recordDeps } from '../records/deps.ts';
import { commitChange, type RecordDeps } from '../records/service.ts';
import type { CallbackInput } from './callback-timer.ts';
import { leadEntity } from './entity.ts';

const timer = (tenantId: string): Principal => ({ tenantId, userId: 'system:callback-timer', email: '', name: 'Call-back timer', role: 'admin', groups: ['admin'] });

/**
 * Fires when a lead's call-back window ends. If the owner has not logged contact (the lead is still
 * `assigned` from that same assignment), marks it overdue once; the reminder and escalation emails follow
 * the `lead.callback-overdue` event. A timer for an older assignment, or a second firing, does nothing.
 */
export async function checkCallback(input: CallbackInput, deps: RecordDeps): Promise<'overdue' | 'nothing-to-do'> {
  const lead = await deps.store.get(input.tenantId, 'lead', input.leadId);
  if (!lead || lead.deletedAt || lead.status !== 'assigned' || lead.assignedAt !== input.assignedAt || lead.lastContactedAt || lead.callbackOverdueAt) {
    return 'nothing-to-do';
  }
  try {
    await commitChange(leadEntity, timer(input.tenantId), lead, { ...lead, callbackOverdueAt: deps.clock().toISOString() }, deps, {
      verb: 'callback-overdue', timelineType: 'callback-overdue',
    });
    return 'overdue';
  } catch (error) {
    if (error instanceof HttpProblem && error.status === 412) return checkCallback(input, deps);
    throw error;
  }
}

/** Scheduler target: the event is the schedule's Input. */
export async function handler(event: CallbackInput): Promise<string> {
  const result = await checkCallback(event, recordDeps());
  await logger.info('call-back check', { ...event, result });
  return result;
}
