import { logger } from '#commons/logger.ts';
import { withObservability } from '#commons/observability.ts';
import { recordDeps } from '../records/deps.ts';
import { processRun, type ScheduleInput } from './run.ts';

/**
 * The `journey-step` schedule target: a wait's one-time schedule (named in functions/journeys/engine.ts
 * timerName) fires with `{tenantId, journeyId, recordId, object, run, stepId}` and the run goes on from there.
 * A firing for a run that moved on (exited, woken by an email, a new run) changes nothing.
 */
export async function onWaitOver(input: Partial<ScheduleInput>): Promise<void> {
  const { tenantId, journeyId, recordId, object, run, stepId } = input;
  if (typeof tenantId !== 'string' || typeof journeyId !== 'string' || typeof recordId !== 'string' || typeof stepId !== 'string' || typeof run !== 'number' || (object !== 'leads' && object !== 'contacts')) {
    await logger.warn('journey schedule without its run', { input });
    return;
  }
  const after = await processRun(tenantId, journeyId, { object, id: recordId }, { kind: 'timer', run, stepId }, recordDeps());
  await logger.info('journey wait over', { journeyId, recordId, run, stepId, now: after?.stepId, status: after?.status });
}

export const handler = withObservability(async (event: Partial<ScheduleInput>) => onWaitOver(event));
