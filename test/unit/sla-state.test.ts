import { describe, expect, it } from 'vitest';
import { addBusinessMs } from '../../functions/sla/business-time.ts';
import { nextSla, policyFor, slaView, type TicketSla } from '../../functions/sla/sla-state.ts';
import { defaultServiceDesk } from '../../schemas/service-desk.ts';
import { mulberry32 } from '../support/prng.ts';

/** The seeded `standard` policy on Mon–Fri 09:00–18:00 Asia/Shanghai (first response normal 4 h, resolution 3 days). */
const settings = defaultServiceDesk('Asia/Shanghai');
const MON_10 = '2026-12-07T02:00:00.000Z'; // Monday 10:00 in Shanghai

type Fields = Record<string, unknown>;
/** Applies a change to a ticket at `at`, as the ticket entity's derive does. */
function step(before: Fields | undefined, patch: Fields, at: string): Fields {
  const after: Fields = { createdAt: before?.createdAt ?? at, priority: 'normal', status: 'new', ...before, ...patch };
  after.sla = nextSla(settings, before, after, at);
  return after;
}
const sla = (t: Fields) => t.sla as TicketSla;

describe('SLA state', () => {
  it('a new normal ticket on Monday 10:00 is due a first response at 14:00 and a warning at 13:00', () => {
    const t = step(undefined, {}, MON_10);
    expect(sla(t).policyId).toBe('standard');
    expect(sla(t).firstResponse).toMatchObject({ targetMinutes: 240, state: 'onTrack', dueAt: '2026-12-07T06:00:00.000Z', warnAt: '2026-12-07T05:00:00.000Z' });
    // 3 days of 9 business hours: 27 h from Monday 10:00 → Thursday 10:00.
    expect(sla(t).resolution).toMatchObject({ targetMinutes: 1620, state: 'onTrack', dueAt: '2026-12-10T02:00:00.000Z' });
  });

  it('the first public reply before the due moment meets the target; after it, the breach is recorded', () => {
    const t = step(undefined, {}, MON_10);
    const early = step(t, { firstRespondedAt: '2026-12-07T03:00:00.000Z' }, '2026-12-07T03:00:00.000Z');
    expect(sla(early).firstResponse).toMatchObject({ state: 'met', metAt: '2026-12-07T03:00:00.000Z', consumedMs: 3_600_000 });
    const late = step(t, { firstRespondedAt: '2026-12-07T07:00:00.000Z' }, '2026-12-07T07:00:00.000Z');
    expect(sla(late).firstResponse).toMatchObject({ state: 'breached', breachedAt: '2026-12-07T06:00:00.000Z' });
  });

  it('pending on the customer pauses resolution; their reply resumes it with the time left', () => {
    const t = step(undefined, {}, MON_10);
    // Pending at 12:00 (2 business hours used), the customer answers Tuesday 09:00.
    const pending = step(t, { status: 'pending' }, '2026-12-07T04:00:00.000Z');
    expect(sla(pending).resolution).toMatchObject({ state: 'paused', consumedMs: 2 * 3_600_000 });
    expect(sla(pending).resolution.dueAt).toBeUndefined();
    expect(slaView(settings.calendars[0], sla(pending).resolution, new Date('2026-12-08T00:00:00Z')).businessMinutesLeft).toBe(1620 - 120);
    const resumed = step(pending, { status: 'open' }, '2026-12-08T01:00:00.000Z');
    // 25 business hours left from Tuesday 09:00: Tue 9 h, Wed 9 h, Thu 7 h → Thursday 16:00 = 08:00Z.
    expect(sla(resumed).resolution).toMatchObject({ state: 'onTrack', runningSince: '2026-12-08T01:00:00.000Z', dueAt: '2026-12-10T08:00:00.000Z' });
  });

  it('raising the priority shortens the targets from the same start; solving meets resolution, reopening resumes it', () => {
    const t = step(undefined, {}, MON_10);
    const urgent = step(t, { priority: 'urgent' }, '2026-12-07T02:10:00.000Z');
    expect(sla(urgent).firstResponse.dueAt).toBe('2026-12-07T02:30:00.000Z');
    expect(sla(urgent).resolution.dueAt).toBe('2026-12-07T06:00:00.000Z');
    const solved = step(urgent, { status: 'solved', firstRespondedAt: '2026-12-07T02:20:00.000Z' }, '2026-12-07T03:00:00.000Z');
    expect(sla(solved).resolution).toMatchObject({ state: 'met', metAt: '2026-12-07T03:00:00.000Z' });
    const reopened = step(solved, { status: 'open' }, '2026-12-07T04:00:00.000Z');
    expect(sla(reopened).resolution.state).toBe('onTrack');
    expect(sla(reopened).resolution.metAt).toBeUndefined();
    // One hour was used; three are left from 12:00 → 15:00 = 07:00Z.
    expect(sla(reopened).resolution.dueAt).toBe('2026-12-07T07:00:00.000Z');
  });

  it('a breach stays recorded when the target later moves (priority lowered after the breach)', () => {
    const t = step(undefined, { priority: 'urgent' }, MON_10);
    const breached = step(t, { tags: ['x'] }, '2026-12-07T02:45:00.000Z');
    expect(sla(breached).firstResponse).toMatchObject({ state: 'breached', breachedAt: '2026-12-07T02:30:00.000Z' });
    const lowered = step(breached, { priority: 'low' }, '2026-12-07T02:50:00.000Z');
    expect(sla(lowered).firstResponse.state).toBe('breached');
  });

  it('policies match by priority and tier in order; none applies → no SLA', () => {
    const vip = { ...settings.slaPolicies[0]!, id: 'vip', appliesTo: { priorities: [], tiers: ['gold'] } };
    const s = { ...settings, slaPolicies: [vip, settings.slaPolicies[0]!] };
    expect(policyFor(s, { customerTier: 'gold' })?.id).toBe('vip');
    expect(policyFor(s, { customerTier: 'silver' })?.id).toBe('standard');
    expect(nextSla({ ...settings, slaPolicies: [vip] }, undefined, { priority: 'normal' }, MON_10)).toBeUndefined();
  });

  it('property: over random pauses and resumes, the business time used never decreases and a running due moment is start + what is left', () => {
    const rnd = mulberry32(903);
    for (let run = 0; run < 30; run++) {
      let t = step(undefined, {}, MON_10);
      let now = Date.parse(MON_10);
      let used = 0;
      for (let i = 0; i < 12; i++) {
        now += Math.floor(rnd() * 20 * 3_600_000);
        const status = (['open', 'pending', 'onHold', 'pending', 'open'] as const)[Math.floor(rnd() * 5)]!;
        t = step(t, { status }, new Date(now).toISOString());
        const r = sla(t).resolution;
        expect(r.consumedMs).toBeGreaterThanOrEqual(used);
        used = r.consumedMs;
        if (status === 'pending') expect(['paused', 'breached']).toContain(r.state);
        else {
          expect(r.runningSince).toBeDefined();
          expect(r.dueAt).toBe(addBusinessMs(settings.calendars[0]!, new Date(r.runningSince!), Math.max(0, r.targetMinutes * 60_000 - r.consumedMs)).toISOString());
        }
      }
    }
  });
});
