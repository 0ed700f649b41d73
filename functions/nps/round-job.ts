import { putTimer } from '#commons/schedules.ts';
import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { scheduleTargetNames } from '#contracts/schedules.ts';
import { NoSegment, runRound } from './round.ts';

/**
 * The `nps-round` schedule target: the tenant's recurring schedule (functions/nps/schedule.ts) fires it with
 * `{tenantId}`; a round that does not finish within its budget hands over to a one-time continuation
 * `{tenantId, roundId}` a minute later, which goes on from the round's checkpoint.
 */
const BUDGET_MS = 200_000;

export async function onRound(input: { tenantId?: unknown; roundId?: unknown }): Promise<void> {
  const tenantId = typeof input.tenantId === 'string' ? input.tenantId : undefined;
  if (!tenantId) return;
  const roundId = typeof input.roundId === 'string' ? input.roundId : undefined;
  try {
    const result = await runRound(tenantId, { budgetMs: BUDGET_MS, requireEnabled: true, ...(roundId ? { roundId } : {}) });
    await logger.info('NPS round', { tenantId, result });
    if (result !== 'disabled' && !result.done) {
      await putTimer(`nps-round-${tenantId}-${result.roundId}-next`, scheduleTargetNames.npsRound, new Date(Date.now() + 60_000), { tenantId, roundId: result.roundId });
    }
  } catch (error) {
    if (error instanceof NoSegment) {
      await logger.warn('NPS round without a segment', { tenantId, reason: error.message });
      return;
    }
    throw error;
  }
}

export const handler = withObservability(async (event: { tenantId?: unknown; roundId?: unknown }) => onRound(event));
