import { correlationId } from '#commons/observability.ts';
import { logger } from '#commons/logger.ts';
import { deleteSchedule, putTimer } from '#commons/schedules.ts';
import { currentVersion } from '#contracts/events.ts';
import { JOURNEY_STEP_TARGET } from '#contracts/marketing/journeys.ts';
import type { StoredRecord } from '../records/entity.ts';
import type { RecordDeps } from '../records/service.ts';
import type { DomainEvent } from '../records/store.ts';
import { performAction } from './actions.ts';
import { actionKey, transition, type Input, type JourneyDefinition, type Run, type Transition } from './engine.ts';
import { commitRun, enteredBy, getJourney, getRun, getVersion, RunChanged, type StoredJourney, type StoredRun } from './store.ts';
import { zoneOf } from './time.ts';

/**
 * Applies one input to one person's run of one journey, on AWS as locally: read the run, the journey and the
 * versions it needs and the person; let the engine decide; put the wait's schedule (before the commit: a
 * schedule of a change that lost its race fires into a run that is elsewhere and does nothing); commit the run,
 * counters and events conditioned on the run's revision (a lost race reads again and decides again); then
 * delete schedules of waits left behind and do the action the run stopped at (committed as `acting` first, so
 * a crash or retry re-does only that idempotent action, and then goes on).
 */
export type Person = { object: 'leads' | 'contacts'; id: string };
export interface ScheduleInput { tenantId: string; journeyId: string; recordId: string; object: Person['object']; run: number; stepId: string }

const MAX_ROUNDS = 40;

export async function processRun(tenantId: string, journeyId: string, person: Person, input: Input, deps: RecordDeps): Promise<Run | undefined> {
  let pending: Input | undefined = input;
  let conflicts = 0;
  let last: Run | undefined;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const [stored, journey] = await Promise.all([getRun(tenantId, journeyId, person.id), getJourney(tenantId, journeyId, true)]);
    last = stored;
    if (!journey) return stored;
    const record = await deps.store.get(tenantId, person.object === 'leads' ? 'lead' : 'contact', person.id);
    const live = stored && (stored.status === 'active' || stored.status === 'waiting');

    // A person gone (deleted) leaves; an action committed earlier is done first (a crash or retry resumes it).
    let step: Input | undefined;
    let entryEventId: string | undefined;
    if (live && (!record || record.deletedAt)) step = { kind: 'exit', reason: 'deleted' };
    else if (live && stored.acting && stored.stepId) step = await act(tenantId, journey, stored, record!, deps);
    else if (pending) {
      step = pending;
      pending = undefined;
      if (step.kind === 'enter') {
        if (journey.status !== 'active' || !journey.liveVersion || !record || record.deletedAt) return stored;
        if (await enteredBy(tenantId, journeyId, person.id, step.eventId)) return stored;
        entryEventId = step.eventId;
      }
      if (step.kind === 'exit' && live && !(await exitApplies(tenantId, journeyId, stored.version, step.reason))) return stored;
    } else return stored;

    const defs = new Map<number, JourneyDefinition>();
    const timeZone: { zone?: string } = {};
    for (const v of new Set([stored?.version, journey.liveVersion].filter((v): v is number => typeof v === 'number'))) {
      const def = await getVersion(tenantId, journeyId, v);
      if (def) {
        defs.set(v, def);
        if (v === (step.kind === 'enter' && !live ? journey.liveVersion : stored?.version)) timeZone.zone = def.timeZone;
      }
    }
    const now = deps.clock();
    const zone = zoneOf(record, timeZone.zone ?? journey.timeZone ?? 'UTC');
    const t = transition(stored, step, { now, zone, fields: record ?? {}, liveVersion: journey.liveVersion ?? journey.version, definitions: defs, tenantId }, { journeyId, recordId: person.id, object: person.object });
    if (!t.run || t.run === stored) {
      if (step.kind === 'continue') throw new Error(`journey ${journeyId}: an action of ${person.id} could not be continued`);
      continue;
    }
    for (const e of t.effects) if (e.type === 'timer') await putTimer(e.name, JOURNEY_STEP_TARGET, e.at, { tenantId, journeyId, recordId: person.id, object: person.object, run: e.run, stepId: e.stepId } satisfies ScheduleInput);
    try {
      await commitRun(tenantId, stored?.rev, t.run, t.counters, events(tenantId, journey, t, now), entryEventId);
    } catch (error) {
      if (!(error instanceof RunChanged)) throw error;
      if (++conflicts > 10) throw error;
      // Somebody else moved the run (or this event entered them already): read again, decide again.
      if (step.kind !== 'continue') pending = step;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * conflicts));
      continue;
    }
    last = t.run;
    for (const e of t.effects) if (e.type === 'cancelTimer') await deleteSchedule(e.name);
  }
  return last;
}

/** Does this journey's version end a run on `reason`? Conversion and unsubscribing do unless turned off. */
async function exitApplies(tenantId: string, journeyId: string, version: number, reason: string): Promise<boolean> {
  const def = await getVersion(tenantId, journeyId, version);
  const exits = def?.exits ?? {};
  if (reason === 'converted') return exits.onConversion !== false;
  if (reason === 'unsubscribed') return exits.onUnsubscribe !== false;
  if (reason === 'deleted') return true;
  if (reason.startsWith('goal:')) return exits.goal === reason.slice('goal:'.length);
  return false;
}

async function act(tenantId: string, journey: StoredJourney, run: StoredRun, record: StoredRecord, deps: RecordDeps): Promise<Input> {
  const def = await getVersion(tenantId, journey.id, run.version);
  const step = def?.steps.find((s) => s.id === run.stepId);
  const now = deps.clock();
  const outcome = step
    ? await performAction(step, {
      tenantId, journeyId: journey.id, journeyName: journey.name, version: run.version, object: run.object, record,
      key: actionKey(journey.id, run.recordId, run.run, step.id), zone: zoneOf(record, def?.timeZone ?? 'UTC'), now, deps,
    })
    : { skipped: 'noStep' };
  await logger.info('journey step done', { journeyId: journey.id, recordId: run.recordId, run: run.run, stepId: run.stepId, outcome });
  return { kind: 'continue', stepId: run.stepId!, run: run.run, outcome };
}

function events(tenantId: string, journey: StoredJourney, t: Transition, now: Date): DomainEvent[] {
  const run = t.run!;
  return t.events.map((what, i) => {
    const name = `journey.${what}` as const;
    return {
      eventId: `${derivedEventId(run, what)}${i ? `-${i}` : ''}`, name, version: currentVersion(name), tenantId, occurredAt: now.toISOString(),
      actor: { id: 'system:journey', name: `Journey: ${journey.name}`, kind: 'system' },
      subject: { type: run.object === 'leads' ? 'lead' : 'contact', id: run.recordId },
      ...(correlationId() ? { correlationId: correlationId() } : {}),
      data: { journeyId: journey.id, journeyName: journey.name, version: run.version, run: run.run, object: run.object, ...(run.stepId ? { stepId: run.stepId } : {}), ...(run.exitReason ? { reason: run.exitReason } : {}) },
    };
  });
}
/** One event per run and kind: a retried commit writes the same outbox item. */
const derivedEventId = (run: Run, what: string) => `jny-${run.journeyId}-${run.recordId}-${run.run}-${what}`;
