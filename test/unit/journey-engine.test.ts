import { describe, expect, it } from 'vitest';
import { keys } from '../../functions/commons/keys.ts';
import { actionKey, runOfKey, timerName, transition, type Context, type Effect, type Input, type JourneyDefinition, type Run } from '../../functions/journeys/engine.ts';
import { addDuration, nextWeekdayTime, zoneOf } from '../../functions/journeys/time.ts';
import { triggerMatches } from '../../functions/journeys/trigger.ts';
import { validateJourney } from '../../functions/journeys/validate.ts';
import { matchesWhere } from '../../functions/journeys/where.ts';
import type { JourneyInput, JourneyStep } from '../../schemas/marketing/journey.ts';
import { mulberry32 } from '../support/prng.ts';

/**
 * The journey engine (MA-3) as a pure state machine, driven the way functions/journeys/run.ts drives it: random
 * sequences of entries, wait schedules firing (on time, late, twice, after the run moved on), opens, exits and
 * new versions going live. Whatever the order: no action step of a run is ever decided twice, every wait fires
 * at its instant in the person's zone, an exit beats a pending wait (its schedule deleted, a late firing a no-op),
 * a run finishes on the version it entered, and the counters always equal what the runs say.
 */
const steps = (list: JourneyStep[]): JourneyDefinition => ({ steps: list });
const NURTURE = steps([
  { id: 'w1', type: 'wait', duration: 'P2D' },
  { id: 'e1', type: 'sendEmail', templateId: 'tpl-1' },
  { id: 'w2', type: 'wait', duration: 'PT6H' },
  { id: 'b1', type: 'branch', if: { opened: 'e1' }, then: 't1', else: 'e2' },
  { id: 't1', type: 'createTask', subject: 'Call them', next: 'x' },
  { id: 'e2', type: 'sendEmail', templateId: 'tpl-2' },
  { id: 'x', type: 'exit' },
]);
const V2 = steps([
  { id: 'w1', type: 'wait', until: { weekday: 'tue', time: '09:00' } },
  { id: 'e1', type: 'sendEmail', templateId: 'tpl-3' },
  { id: 'we', type: 'wait', event: 'email.opened', timeout: 'P3D' },
  { id: 'n1', type: 'notifyOwner' },
]);
const seed = { journeyId: 'J1', recordId: 'L1', object: 'leads' as const };

interface Sim {
  run: Run | undefined;
  now: Date;
  live: number;
  defs: Map<number, JourneyDefinition>;
  timers: Map<string, { at: string; run: number; stepId: string }>;
  cancelled: Map<string, { at: string; run: number; stepId: string }>;
  decided: string[];
  counters: Record<string, number>;
  fired: { expected: string; at: string }[];
}

function apply(sim: Sim, input: Input, zone = 'Europe/Berlin') {
  const ctx: Context = { now: sim.now, zone, fields: { source: 'web' }, liveVersion: sim.live, definitions: sim.defs, tenantId: 't1' };
  const t = transition(sim.run, input, ctx, seed);
  sim.run = t.run;
  for (const [k, n] of Object.entries(t.counters)) sim.counters[k] = (sim.counters[k] ?? 0) + n;
  const actions: Extract<Effect, { type: 'action' }>[] = [];
  for (const e of t.effects) {
    if (e.type === 'timer') sim.timers.set(e.name, { at: e.at, run: e.run, stepId: e.stepId });
    if (e.type === 'cancelTimer') {
      const was = sim.timers.get(e.name);
      if (was) sim.cancelled.set(e.name, was);
      sim.timers.delete(e.name);
    }
    if (e.type === 'action') actions.push(e);
  }
  // The caller does the action, then continues (the run stopped at it, committed as acting).
  for (const a of actions) {
    sim.decided.push(a.key);
    apply(sim, { kind: 'continue', stepId: a.step.id, run: a.run }, zone);
  }
}

/** What the counters must be, recomputed from the one run there is. */
function expectCountersAgree(sim: Sim) {
  const r = sim.run;
  const active = r && (r.status === 'active' || r.status === 'waiting') ? 1 : 0;
  expect(sim.counters.active ?? 0).toBe(active);
  expect(sim.counters.entered ?? 0).toBe(r?.run ?? 0);
  expect((sim.counters.entered ?? 0) - active).toBe((sim.counters.exited ?? 0) + (sim.counters.completed ?? 0));
  for (const [k, n] of Object.entries(sim.counters)) {
    expect(n, k).toBeGreaterThanOrEqual(0);
    const m = /^(.+)\.(here|waiting)$/.exec(k);
    if (!m) continue;
    const at = active && r!.stepId === m[1] && (m[2] === 'here' ? r!.status === 'waiting' || r!.acting : r!.status === 'waiting') ? 1 : 0;
    expect(n, k).toBe(at);
  }
}

describe('journey engine: random event sequences', () => {
  it('no step is decided twice, counters equal the runs, exits win over waits, versions hold (500 sequences)', () => {
    const seen = { decided: 0, exited: 0, completed: 0, reentered: 0, laterVersion: 0, fired: 0 };
    for (let s = 1; s <= 500; s++) {
      const rnd = mulberry32(s);
      const policy = (['once', 'afterDays', 'always'] as const)[s % 3]!;
      const v1 = { ...NURTURE, reentry: { policy, days: 3 } };
      const sim: Sim = {
        run: undefined, now: new Date(Date.UTC(2026, 2, 20, 8, 0)), live: 1, defs: new Map([[1, v1]]),
        timers: new Map(), cancelled: new Map(), decided: [], counters: {}, fired: [],
      };
      const versionsEntered = new Map<number, number>();
      for (let i = 0; i < 40; i++) {
        const roll = rnd();
        const before = sim.run;
        if (roll < 0.15) apply(sim, { kind: 'enter', eventId: `ev${i}` });
        else if (roll < 0.5) {
          // Time passes; the due schedules fire (sometimes one fires twice).
          sim.now = new Date(sim.now.getTime() + Math.floor(rnd() * 3 * 86400_000));
          for (const [name, t] of [...sim.timers].sort((a, b) => a[1].at.localeCompare(b[1].at))) {
            if (Date.parse(t.at) > sim.now.getTime()) continue;
            sim.timers.delete(name);
            const at = sim.run?.waitingUntil;
            const runBefore = sim.run;
            apply(sim, { kind: 'timer', run: t.run, stepId: t.stepId });
            if (runBefore?.status === 'waiting' && runBefore.run === t.run && runBefore.stepId === t.stepId) sim.fired.push({ expected: at!, at: t.at });
            if (rnd() < 0.2) {
              const again = sim.run;
              apply(sim, { kind: 'timer', run: t.run, stepId: t.stepId });
              expect(sim.run).toBe(again); // a second firing of a fired schedule moves nothing
            }
          }
        } else if (roll < 0.65 && sim.run) apply(sim, { kind: 'email', what: 'opened', stepId: rnd() < 0.5 ? 'e1' : 'e2', run: sim.run.run });
        else if (roll < 0.75 && sim.run) {
          const waiting = sim.run.status === 'waiting' ? timerName('t1', 'J1', 'L1', sim.run.run, sim.run.stepId!) : undefined;
          apply(sim, { kind: 'exit', reason: 'converted' });
          if (waiting) expect(sim.timers.has(waiting)).toBe(false);
          // A late firing of the cancelled schedule does nothing.
          if (waiting) {
            const c = sim.cancelled.get(waiting)!;
            const after = sim.run;
            apply(sim, { kind: 'timer', run: c.run, stepId: c.stepId });
            expect(sim.run).toBe(after);
            expect(sim.run!.status).toBe('exited');
          }
        } else if (roll < 0.8) {
          // A new version goes live: people inside stay on theirs.
          const v = sim.live + 1;
          sim.defs.set(v, { ...(v % 2 ? NURTURE : V2), reentry: { policy, days: 3 } });
          sim.live = v;
        }
        if (sim.run && sim.run !== before && sim.run.run !== before?.run) versionsEntered.set(sim.run.run, sim.run.version);
        if (sim.run) expect(sim.run.version).toBe(versionsEntered.get(sim.run.run));
        expectCountersAgree(sim);
      }
      expect(new Set(sim.decided).size, `seed ${s}: ${sim.decided.join(',')}`).toBe(sim.decided.length);
      for (const f of sim.fired) expect(f.at).toBe(f.expected);
      if (policy === 'once') expect(sim.run?.run ?? 0).toBeLessThanOrEqual(1);
      seen.decided += sim.decided.length;
      seen.exited += sim.counters.exited ?? 0;
      seen.completed += sim.counters.completed ?? 0;
      seen.reentered += (sim.run?.run ?? 0) > 1 ? 1 : 0;
      seen.laterVersion += (sim.run?.version ?? 0) > 1 ? 1 : 0;
      seen.fired += sim.fired.length;
    }
    // The sequences reach every part of the machine (else the properties above prove little).
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(20);
  });

  it('walks the nurture: wait 2 days, email, then a task if opened, else the second email', () => {
    const sim: Sim = { run: undefined, now: new Date('2026-05-04T10:00:00Z'), live: 1, defs: new Map([[1, NURTURE]]), timers: new Map(), cancelled: new Map(), decided: [], counters: {}, fired: [] };
    apply(sim, { kind: 'enter', eventId: 'e' });
    expect(sim.run).toMatchObject({ status: 'waiting', stepId: 'w1', waitingUntil: '2026-05-06T10:00:00.000Z' });
    expect([...sim.timers.keys()]).toEqual([timerName('t1', 'J1', 'L1', 1, 'w1')]);
    expect(timerName('t1', 'J1', 'L1', 1, 'w1').length).toBeLessThanOrEqual(64);
    sim.now = new Date('2026-05-06T10:00:00Z');
    apply(sim, { kind: 'timer', run: 1, stepId: 'w1' });
    expect(sim.decided).toEqual([actionKey('J1', 'L1', 1, 'e1')]);
    expect(runOfKey(actionKey('J1', 'L1', 3, 'e1'))).toBe(3);
    expect(sim.run).toMatchObject({ status: 'waiting', stepId: 'w2' });
    apply(sim, { kind: 'email', what: 'opened', stepId: 'e1', run: 1 });
    sim.now = new Date('2026-05-06T16:00:00Z');
    apply(sim, { kind: 'timer', run: 1, stepId: 'w2' });
    expect(sim.decided).toEqual(['journey:J1:L1.1:e1', 'journey:J1:L1.1:t1']);
    expect(sim.run).toMatchObject({ status: 'completed', exitReason: 'exitStep' });
    expect(sim.counters).toMatchObject({ entered: 1, completed: 1, 'b1.done': 1, 't1.done': 1 });
    expect(sim.counters['e2.done']).toBeUndefined();
  });

  it('a wait for an email wakes on the open, else times out', () => {
    const sim: Sim = { run: undefined, now: new Date('2026-05-04T10:00:00Z'), live: 1, defs: new Map([[1, steps(V2.steps.slice(1))]]), timers: new Map(), cancelled: new Map(), decided: [], counters: {}, fired: [] };
    apply(sim, { kind: 'enter', eventId: 'e' });
    expect(sim.run).toMatchObject({ status: 'waiting', stepId: 'we', waitEvent: 'email.opened', waitingUntil: '2026-05-07T10:00:00.000Z' });
    apply(sim, { kind: 'email', what: 'opened', stepId: 'e1', run: 1 });
    expect(sim.timers.size).toBe(0);
    expect(sim.decided).toEqual(['journey:J1:L1.1:e1', 'journey:J1:L1.1:n1']);
    expect(sim.run!.status).toBe('completed');
  });
});

describe('journey waits in the person\'s time zone', () => {
  it('P1D across the spring DST change is 23 hours in Berlin, 24 in Shanghai', () => {
    const from = new Date('2026-03-28T09:00:00Z');
    expect(addDuration(from, 'P1D', 'Europe/Berlin').toISOString()).toBe('2026-03-29T08:00:00.000Z');
    expect(addDuration(from, 'P1D', 'Asia/Shanghai').toISOString()).toBe('2026-03-29T09:00:00.000Z');
    expect(addDuration(from, 'PT24H', 'Europe/Berlin').toISOString()).toBe('2026-03-29T09:00:00.000Z');
    expect(addDuration(new Date('2026-10-24T09:00:00Z'), 'P1D', 'Europe/Berlin').toISOString()).toBe('2026-10-25T10:00:00.000Z');
  });

  it('until Monday 09:00 is the next Monday 09:00 local time, before and after DST', () => {
    // Friday 27 March 2026: the next Monday is 30 March, already summer time (UTC+2).
    expect(nextWeekdayTime(new Date('2026-03-27T12:00:00Z'), 'mon', '09:00', 'Europe/Berlin').toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextWeekdayTime(new Date('2026-03-20T12:00:00Z'), 'mon', '09:00', 'Europe/Berlin').toISOString()).toBe('2026-03-23T08:00:00.000Z');
    // On Monday after 09:00: a week later; before: today.
    expect(nextWeekdayTime(new Date('2026-03-23T08:30:00Z'), 'mon', '09:00', 'Europe/Berlin').toISOString()).toBe('2026-03-30T07:00:00.000Z');
    expect(nextWeekdayTime(new Date('2026-03-23T07:30:00Z'), 'mon', '09:00', 'Europe/Berlin').toISOString()).toBe('2026-03-23T08:00:00.000Z');
    // A time DST skips (02:30 on 8 March 2026 in New York) moves forward to 03:30 EDT.
    expect(nextWeekdayTime(new Date('2026-03-07T12:00:00Z'), 'sun', '02:30', 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });

  it('random instants: the wait ends at the weekday and wall-clock time asked, strictly later, within a week', () => {
    const rnd = mulberry32(42);
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Shanghai', 'Australia/Sydney'];
    const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
    for (let i = 0; i < 400; i++) {
      const from = new Date(Date.UTC(2026, 0, 1) + Math.floor(rnd() * 365 * 86400_000));
      const zone = zones[i % zones.length]!;
      const day = days[Math.floor(rnd() * 7)]!;
      const time = `${String(Math.floor(rnd() * 24)).padStart(2, '0')}:${rnd() < 0.5 ? '00' : '30'}`;
      const at = nextWeekdayTime(from, day, time, zone);
      expect(at.getTime()).toBeGreaterThan(from.getTime());
      expect(at.getTime() - from.getTime()).toBeLessThanOrEqual(7 * 86400_000 + 3600_000);
      const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
      const get = (t: string) => parts.find((p) => p.type === t)!.value;
      expect(get('weekday').toLowerCase().slice(0, 3)).toBe(day);
      // A wall-clock time skipped by DST is pushed forward an hour; any other is exact.
      const local = `${get('hour')}:${get('minute')}`;
      if (local !== time) expect(Number(get('hour'))).toBe((Number(time.slice(0, 2)) + 1) % 24);
    }
  });

  it('the person\'s zone: their record, else their country, else the journey\'s', () => {
    expect(zoneOf({ timeZone: 'America/Chicago', country: 'CN' }, 'UTC')).toBe('America/Chicago');
    expect(zoneOf({ country: 'CN' }, 'UTC')).toBe('Asia/Shanghai');
    expect(zoneOf({ timeZone: 'Mars/Base' }, 'Europe/Berlin')).toBe('Europe/Berlin');
    expect(zoneOf(undefined, 'nonsense')).toBe('UTC');
  });
});

describe('journey validation names every bad field', () => {
  const base = (list: JourneyStep[]): JourneyInput => ({ name: 'N', trigger: { event: 'lead.created' }, steps: list });
  it('unknown steps, missing fields, fields of another type, a branch on a step that sends nothing', () => {
    const errors = validateJourney(base([
      { id: 'w1', type: 'wait', duration: 'P2D', templateId: 'x' },
      { id: 'e1', type: 'sendEmail' },
      { id: 'b1', type: 'branch', if: { opened: 'w1' }, then: 'nope', else: 'e1' },
      { id: 'b1', type: 'exit' },
      { id: 'w2', type: 'wait', event: 'email.opened' },
      { id: 'c1', type: 'addToCampaign', tag: 'x' },
    ]));
    expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining(['steps.0.templateId', 'steps.1.templateId', 'steps.2.if.opened', 'steps.2.then', 'steps.3.id', 'steps.4.timeout', 'steps.5.campaignId', 'steps.5.tag']));
  });
  it('a loop without a wait is refused; with a wait it is fine', () => {
    const loop = validateJourney(base([
      { id: 'a', type: 'addTag', tag: 'x' },
      { id: 'b', type: 'branch', if: { where: { source: { eq: 'web' } } }, then: 'a', else: 'c' },
      { id: 'c', type: 'exit' },
    ]));
    expect(loop.map((e) => e.code)).toContain('cycle');
    expect(validateJourney(base([
      { id: 'w', type: 'wait', duration: 'P1D' },
      { id: 'a', type: 'addTag', tag: 'x' },
      { id: 'b', type: 'branch', if: { where: { source: { eq: 'web' } } }, then: 'w', else: 'c' },
      { id: 'c', type: 'exit' },
    ]))).toEqual([]);
  });
  it('a step nothing leads to is named', () => {
    const e = validateJourney(base([{ id: 'a', type: 'exit' }, { id: 'b', type: 'addTag', tag: 'x' }]));
    expect(e).toEqual([expect.objectContaining({ path: 'steps.1', code: 'unreachable' })]);
  });
});

describe('triggers and conditions', () => {
  it('the views\' condition shape on a record', () => {
    expect(matchesWhere({ source: { eq: 'Webinar' } }, { source: 'webinar' })).toBe(true);
    expect(matchesWhere({ source: { eq: 'webinar' }, country: { in: ['CN', 'US'] } }, { source: 'webinar', country: 'DE' })).toBe(false);
    expect(matchesWhere({ companySize: { gte: 50 } }, { companySize: 120 })).toBe(true);
    expect(matchesWhere({ email: { isEmpty: true } }, {})).toBe(true);
    expect(matchesWhere({ tags: { eq: 'vip' } }, { tags: ['new', 'vip'] })).toBe(true);
  });
  it('a field changed to a value: only when the event changed that field', () => {
    const trigger = { event: 'lead.updated' as const, where: { status: { eq: 'contacted' } } };
    expect(triggerMatches(trigger, { name: 'lead.updated', changes: ['status'] }, { status: 'contacted' })).toBe(true);
    expect(triggerMatches(trigger, { name: 'lead.updated', changes: ['phone'] }, { status: 'contacted' })).toBe(false);
    expect(triggerMatches({ event: 'lead.created', where: { source: { eq: 'website' } } }, { name: 'lead.created' }, { source: 'Partner' })).toBe(false);
  });
});

describe('journey keys', () => {
  it('are pinned (changing one orphans stored journeys and runs)', () => {
    expect(keys.journeys('t1')).toBe('T#t1#journeys');
    expect(keys.journeySk('J1')).toBe('J#J1');
    expect(keys.journey('t1', 'J1')).toBe('T#t1#journey#J1');
    expect(keys.journeyVersionSk(3)).toBe('V#000003');
    expect(keys.journeyAuditSk('2026-01-01T00:00:00.000Z', 'A')).toBe('AU#2026-01-01T00:00:00.000Z#A');
    expect(keys.journeyTriggers('t1')).toBe('T#t1#journey-triggers');
    expect(keys.journeyTriggerSk('lead.created', 'J1')).toBe('lead.created#J1');
    expect(keys.journeyMembers('t1', 'L1')).toBe('T#t1#journey-member#L1');
    expect(keys.journeyRunSk('J1')).toBe('J#J1');
    expect(keys.journeyEntrySk('J1', 'E1')).toBe('E#J1#E1');
  });
});
