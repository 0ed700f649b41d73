import { systemActor } from '../policy/policy.ts';
import { logger } from '#commons/logger.ts';
import { StaleVersion } from '#commons/errors.ts';
import { recordDeps } from '../records/deps.ts';
import { commitChange, type RecordDeps } from '../records/service.ts';
import type { CallbackInput } from './callback-timer.ts';
import { leadEntity } from './entity.ts';
import { withObservability } from '#commons/observability.ts';

/** The call-back timer acts as itself (a system actor). */
const timer = (tenantId: string) => systemActor(tenantId, 'callback-timer', 'Call-back timer');

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
    if (error instanceof StaleVersion) return checkCallback(input, deps);
    throw error;
  }
}

/** Scheduler target: the event is the schedule's Input. */
async function checkFromSchedule(event: CallbackInput): Promise<string> {
  const result = await checkCallback(event, recordDeps());
  await logger.info('call-back check', { ...event, result });
  return result;
}

/** The Lambda handler: correlation id, tracing and metrics around checkFromSchedule. */
export const handler = withObservability(checkFromSchedule);
