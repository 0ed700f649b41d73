import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { recordDeps } from '../records/deps.ts';
import { scoreLead } from './service.ts';

/**
 * The lead's decay timer (a Scheduler one-time schedule `lead-score-decay-<leadId>` at its next halving, put
 * by every scoring pass): scores the lead again at that moment, which halves what is due and puts the timer
 * at the halving after. Nothing scans all leads; a lead without behaviour points has no timer.
 */
export async function decayLead(input: { tenantId: string; leadId: string }): Promise<string> {
  return scoreLead(input.tenantId, input.leadId, recordDeps());
}

export const handler = withObservability(async (event: { tenantId: string; leadId: string }) => {
  const result = await decayLead(event);
  await logger.info('lead score decay', { leadId: event.leadId, result });
  return result;
});
