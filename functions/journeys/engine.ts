import { createHash } from 'node:crypto';
import type { JourneyInput, JourneyStep } from '#schemas/marketing/journey.ts';
import { addDuration, nextWeekdayTime } from './time.ts';
import { matchesWhere } from './where.ts';

/**
 * The journey engine (MA-3), pure: one person's place in one journey (a run) and what happens to it on an
 * input — entering (by a trigger event, under the re-entry policy), a wait's schedule firing, an email of the
 * run opened or clicked, an exit (conversion, unsubscribe, goal), and `continue` after an action was done.
 *
 * It walks from step to step until the run must stop: at a wait (a timer to put), at an action (committed as
 * `acting` first, done by the caller, then `continue`d, so a decision is stored before anything it decides is
 * done and a crash re-does only that idempotent action), or at the end. Counters move with every transition,
 * so the stats are kept in the write path. Everything it needs (the version's steps, the person's fields and
 * zone, the clock) comes in; what to do comes out as effects.
 */
export type RunStatus = 'active' | 'waiting' | 'completed' | 'exited';
export interface HistoryEntry {
  at: string;
  run: number;
  version: number;
  stepId?: string;
  what: 'entered' | 'waiting' | 'waited' | 'woken' | 'acting' | 'done' | 'branched' | 'opened' | 'clicked' | 'completed' | 'exited';
  detail?: Record<string, unknown>;
}
export interface Run {
  journeyId: string;
  recordId: string;
  object: 'leads' | 'contacts';
  run: number;
  version: number;
  status: RunStatus;
  stepId?: string;
  /** At an action step: committed, to be done (then `continue`). */
  acting?: boolean;
  waitingUntil?: string;
  waitEvent?: string;
  enteredAt: string;
  endedAt?: string;
  exitReason?: string;
  /** Email steps of this run whose message was opened / clicked. */
  opened: string[];
  clicked: string[];
  history: HistoryEntry[];
}

export type JourneyDefinition = Pick<JourneyInput, 'steps' | 'reentry' | 'exits'>;

export type Input =
  | { kind: 'enter'; eventId: string }
  | { kind: 'continue'; stepId: string; run: number; outcome?: Record<string, unknown> }
  | { kind: 'timer'; run: number; stepId: string }
  | { kind: 'email'; what: 'opened' | 'clicked'; run?: number; stepId: string }
  | { kind: 'exit'; reason: string };

export type Effect =
  | { type: 'action'; step: JourneyStep; run: number; version: number; key: string }
  | { type: 'timer'; name: string; at: string; run: number; stepId: string }
  | { type: 'cancelTimer'; name: string };

export interface Context {
  now: Date;
  /** The person's time zone (functions/journeys/time.ts zoneOf). */
  zone: string;
  /** The person's fields, for branches on `where`. */
  fields: Record<string, unknown>;
  /** The version a new run enters on, and the steps of each version the caller loaded. */
  liveVersion: number;
  definitions: ReadonlyMap<number, JourneyDefinition>;
  tenantId: string;
}

export interface Transition {
  run: Run | undefined;
  effects: Effect[];
  /** Counter deltas: `entered`, `active`, `exited`, `completed`, and per step `<stepId>.here|waiting|exited|done`. */
  counters: Record<string, number>;
  /** Journey events to publish with the change (journey.entered, journey.exited, journey.completed). */
  events: ('entered' | 'exited' | 'completed')[];
}

export const MAX_HISTORY = 60;
const DAY_MS = 86_400_000;

/** A wait's Scheduler schedule: deterministic, within Scheduler's 64-character name limit. */
export function timerName(tenantId: string, journeyId: string, recordId: string, run: number, stepId: string): string {
  const h = createHash('sha256').update(`${tenantId}|${journeyId}|${recordId}|${run}|${stepId}`).digest('base64url').slice(0, 40);
  return `journey-${h}`;
}
/**
 * The idempotency key of an action step of a run (sendEmail's sendId, the task's id, the notification's key):
 * `journey:<journeyId>:<run>:<stepId>`, where a run is named by its person and number (`<recordId>.<n>`), so
 * two people's first runs never share a send record.
 */
export const actionKey = (journeyId: string, recordId: string, run: number, stepId: string) => `journey:${journeyId}:${recordId}.${run}:${stepId}`;
/** The run number in an action key (an email event's sendId), if it is one. */
export const runOfKey = (key: string): number | undefined => {
  const m = /^journey:[^:]+:[^:]+\.(\d+):[^:]+$/.exec(key);
  return m ? Number(m[1]) : undefined;
};

function bump(c: Record<string, number>, k: string, n: number) {
  c[k] = (c[k] ?? 0) + n;
  if (c[k] === 0) delete c[k];
}

export function transition(current: Run | undefined, input: Input, ctx: Context, seed: { journeyId: string; recordId: string; object: Run['object'] }): Transition {
  const t: Transition = { run: current, effects: [], counters: {}, events: [] };
  const at = ctx.now.toISOString();
  const log = (run: Run, what: HistoryEntry['what'], stepId?: string, detail?: Record<string, unknown>) => {
    run.history = [...run.history, { at, run: run.run, version: run.version, ...(stepId ? { stepId } : {}), what, ...(detail ? { detail } : {}) }].slice(-MAX_HISTORY);
  };
  const live = (r: Run | undefined): boolean => !!r && (r.status === 'active' || r.status === 'waiting');

  if (input.kind === 'enter') {
    if (live(current)) return t;
    const def = ctx.definitions.get(ctx.liveVersion);
    if (!def) return t;
    if (current) {
      const policy = def.reentry?.policy ?? 'once';
      if (policy === 'once') return t;
      if (policy === 'afterDays' && ctx.now.getTime() - Date.parse(current.enteredAt) < (def.reentry?.days ?? 1) * DAY_MS) return t;
    }
    const run: Run = {
      ...seed, run: (current?.run ?? 0) + 1, version: ctx.liveVersion, status: 'active', enteredAt: at,
      opened: [], clicked: [], history: current?.history ?? [],
    };
    log(run, 'entered', undefined, { eventId: input.eventId });
    bump(t.counters, 'entered', 1);
    bump(t.counters, 'active', 1);
    t.events.push('entered');
    walk(run, def.steps[0]?.id, def, ctx, t, log);
    t.run = run;
    return t;
  }

  if (!current || !live(current)) return t;
  const run: Run = { ...current, opened: [...current.opened], clicked: [...current.clicked], history: [...current.history] };
  const def = ctx.definitions.get(run.version);
  if (!def) return t;
  const step = def.steps.find((s) => s.id === run.stepId);

  switch (input.kind) {
    case 'exit': {
      if (run.status === 'waiting') t.effects.push({ type: 'cancelTimer', name: timerName(ctx.tenantId, run.journeyId, run.recordId, run.run, run.stepId!) });
      leave(run, 'exited', input.reason, t, at);
      log(run, 'exited', run.stepId, { reason: input.reason });
      break;
    }
    case 'continue': {
      if (!run.acting || run.stepId !== input.stepId || run.run !== input.run || !step) return t;
      delete run.acting;
      log(run, 'done', step.id, input.outcome);
      bump(t.counters, `${step.id}.here`, -1);
      bump(t.counters, `${step.id}.done`, 1);
      walk(run, nextOf(def, step), def, ctx, t, log);
      break;
    }
    case 'timer': {
      if (run.status !== 'waiting' || run.run !== input.run || run.stepId !== input.stepId || !step) return t;
      if (run.waitingUntil && Date.parse(run.waitingUntil) > ctx.now.getTime() + 1000) {
        // Early (a schedule put again for a moved wait): put it back at the right instant; nothing moves.
        t.effects.push({ type: 'timer', name: timerName(ctx.tenantId, run.journeyId, run.recordId, run.run, step.id), at: run.waitingUntil, run: run.run, stepId: step.id });
        return t;
      }
      endWait(run, step, t);
      log(run, 'waited', step.id, run.waitEvent ? { timedOut: true } : undefined);
      delete run.waitingUntil;
      delete run.waitEvent;
      walk(run, nextOf(def, step), def, ctx, t, log);
      break;
    }
    case 'email': {
      if (input.run !== undefined && input.run !== run.run) return t;
      const list = input.what === 'opened' ? run.opened : run.clicked;
      const waking = run.status === 'waiting' && run.waitEvent === `email.${input.what}` && step;
      if (list.includes(input.stepId) && !waking) return t;
      if (!list.includes(input.stepId)) {
        list.push(input.stepId);
        log(run, input.what, input.stepId);
      }
      if (waking && step) {
        t.effects.push({ type: 'cancelTimer', name: timerName(ctx.tenantId, run.journeyId, run.recordId, run.run, step.id) });
        endWait(run, step, t);
        log(run, 'woken', step.id, { by: `email.${input.what}` });
        delete run.waitingUntil;
        delete run.waitEvent;
        walk(run, nextOf(def, step), def, ctx, t, log);
      }
      break;
    }
  }
  t.run = run;
  return t;
}

function nextOf(def: JourneyDefinition, step: JourneyStep): string | undefined {
  if (step.next) return step.next;
  const i = def.steps.findIndex((s) => s.id === step.id);
  return def.steps[i + 1]?.id;
}

function endWait(run: Run, step: JourneyStep, t: Transition) {
  bump(t.counters, `${step.id}.here`, -1);
  bump(t.counters, `${step.id}.waiting`, -1);
  bump(t.counters, `${step.id}.done`, 1);
  run.status = 'active';
}

function leave(run: Run, status: 'exited' | 'completed', reason: string | undefined, t: Transition, at: string) {
  if (run.stepId && (run.status === 'waiting' || run.acting)) {
    bump(t.counters, `${run.stepId}.here`, -1);
    if (run.status === 'waiting') bump(t.counters, `${run.stepId}.waiting`, -1);
  }
  if (status === 'exited' && run.stepId) bump(t.counters, `${run.stepId}.exited`, 1);
  bump(t.counters, 'active', -1);
  bump(t.counters, status, 1);
  t.events.push(status);
  run.status = status;
  run.endedAt = at;
  if (reason) run.exitReason = reason;
  delete run.acting;
  delete run.waitingUntil;
  delete run.waitEvent;
}

/** From step `id` on, through branches, to the next wait, action or end. */
function walk(run: Run, id: string | undefined, def: JourneyDefinition, ctx: Context, t: Transition, log: (run: Run, what: HistoryEntry['what'], stepId?: string, detail?: Record<string, unknown>) => void) {
  const at = ctx.now.toISOString();
  for (let guard = 0; guard <= def.steps.length * 2 + 2; guard++) {
    const step = id === undefined ? undefined : def.steps.find((s) => s.id === id);
    if (!step) {
      // The end (or a step a newer version removed: the run ends where its version ends).
      delete run.stepId;
      leave(run, 'completed', undefined, t, at);
      log(run, 'completed');
      return;
    }
    run.stepId = step.id;
    switch (step.type) {
      case 'wait': {
        const until = step.duration ? addDuration(ctx.now, step.duration, ctx.zone)
          : step.until ? nextWeekdayTime(ctx.now, step.until.weekday, step.until.time, ctx.zone)
          : addDuration(ctx.now, step.timeout ?? 'P7D', ctx.zone);
        if (until.getTime() <= ctx.now.getTime()) {
          log(run, 'waited', step.id);
          bump(t.counters, `${step.id}.done`, 1);
          id = nextOf(def, step);
          continue;
        }
        run.status = 'waiting';
        run.waitingUntil = until.toISOString();
        if (step.event) {
          run.waitEvent = step.event;
          // Already happened in this run (an email opened before the wait began): no need to wait.
          const list = step.event === 'email.opened' ? run.opened : run.clicked;
          if (list.length) {
            log(run, 'woken', step.id, { by: step.event });
            run.status = 'active';
            delete run.waitingUntil;
            delete run.waitEvent;
            bump(t.counters, `${step.id}.done`, 1);
            id = nextOf(def, step);
            continue;
          }
        }
        bump(t.counters, `${step.id}.here`, 1);
        bump(t.counters, `${step.id}.waiting`, 1);
        log(run, 'waiting', step.id, { until: run.waitingUntil, zone: ctx.zone });
        t.effects.push({ type: 'timer', name: timerName(ctx.tenantId, run.journeyId, run.recordId, run.run, step.id), at: run.waitingUntil, run: run.run, stepId: step.id });
        return;
      }
      case 'branch': {
        const c = step.if ?? {};
        const yes = c.opened !== undefined ? run.opened.includes(c.opened)
          : c.clicked !== undefined ? run.clicked.includes(c.clicked)
          : matchesWhere(c.where, ctx.fields);
        const to = yes ? step.then : step.else;
        log(run, 'branched', step.id, { result: yes, to: to ?? null });
        bump(t.counters, `${step.id}.done`, 1);
        id = to;
        continue;
      }
      case 'exit': {
        bump(t.counters, `${step.id}.done`, 1);
        leave(run, 'completed', 'exitStep', t, at);
        log(run, 'completed', step.id);
        return;
      }
      default: {
        run.status = 'active';
        run.acting = true;
        bump(t.counters, `${step.id}.here`, 1);
        log(run, 'acting', step.id);
        t.effects.push({ type: 'action', step, run: run.run, version: run.version, key: actionKey(run.journeyId, run.recordId, run.run, step.id) });
        return;
      }
    }
  }
  throw new Error(`journey ${run.journeyId}: steps loop without a wait`);
}
