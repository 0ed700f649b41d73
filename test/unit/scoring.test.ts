import { describe, expect, it } from 'vitest';
import { DAY_MS, decayed, nextHalving, scorePass, scoringProblems, scoringSettingsInput, type ScoringSettings } from '../../schemas/marketing/scoring.ts';
import { leadMatches } from '../../functions/scoring/service.ts';
import { scoringKeys } from '../../functions/commons/keys-scoring.ts';

/** Lead scoring (issue 10, MA-4): decay arithmetic (property tests), rules on a lead, behaviour once per event, MQL. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('decay', () => {
  it('property: never negative, exactly half at each half-life, non-increasing with age, unchanged without decay', () => {
    const r = rng(7);
    for (let i = 0; i < 2000; i++) {
      const points = Math.floor(r() * 1000) + 1;
      const hl = Math.floor(r() * 365) + 1;
      const age = Math.floor(r() * 3 * 365 * DAY_MS);
      const later = age + Math.floor(r() * 90 * DAY_MS);
      const v = decayed(points, age, hl);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(decayed(points, later, hl)).toBeLessThanOrEqual(v);
      const k = Math.floor(r() * 10);
      expect(decayed(points, k * hl * DAY_MS, hl)).toBe(points / 2 ** k);
      expect(decayed(points, (k + 1) * hl * DAY_MS - 1, hl)).toBe(points / 2 ** k);
      expect(decayed(points, age, null)).toBe(points);
      expect(decayed(-points, age, hl)).toBe(0);
    }
  });

  it('the next halving is the next whole half-life after now', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(nextHalving(at, new Date('2026-01-01T00:00:00Z'), 30)!.toISOString()).toBe('2026-01-31T00:00:00.000Z');
    expect(nextHalving(at, new Date('2026-01-31T00:00:00Z'), 30)!.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(nextHalving(at, new Date('2026-02-10T00:00:00Z'), 30)!.toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(nextHalving(at, new Date(), null)).toBeUndefined();
  });
});

const settings: ScoringSettings = {
  threshold: 50,
  decay: { halfLifeDays: 30 },
  rules: [
    { id: 'cto', where: { title: { contains: 'CTO' } }, points: 20 },
    { id: 'big', where: { companySize: { gte: 200 } }, points: 10 },
    { id: 'click', event: 'email.clicked', points: 10 },
    { id: 'form', event: 'form.submitted', points: 15 },
  ],
};
const t0 = new Date('2026-03-01T08:00:00Z');
const days = (n: number) => new Date(t0.getTime() + n * DAY_MS);
const click = (id: string, at = t0) => ({ eventId: id, event: 'email.clicked' as const, at: at.toISOString() });

describe('a lead\'s score', () => {
  it('matches where clauses like a list does: text case-insensitively, numbers as numbers', () => {
    expect(leadMatches({ title: { contains: 'cto' } }, { title: 'Co-founder & CTO' })).toBe(true);
    expect(leadMatches({ title: { contains: 'CTO' } }, { title: 'CEO' })).toBe(false);
    expect(leadMatches({ companySize: { gte: 200 } }, { companySize: 1000 })).toBe(true);
    expect(leadMatches({ companySize: { gte: 200 } }, { companySize: 30 })).toBe(false);
    expect(leadMatches({ country: { in: ['CN', 'SG'] } }, { country: 'SG' })).toBe(true);
    expect(leadMatches({ country: { eq: 'CN' }, title: { isEmpty: true } }, { country: 'CN' })).toBe(true);
    expect(leadMatches({ country: { bogus: 'CN' } }, { country: 'CN' })).toBe(false);
  });

  it('a CTO scores 20, a click adds 10 with the time it was earned, a second delivery of it adds nothing', () => {
    const first = scorePass(settings, { title: 'CTO' }, t0, leadMatches);
    expect(first).toMatchObject({ score: 20, becomesMql: false, duplicate: false });
    expect(first.nextDecayAt).toBeUndefined();
    const clicked = scorePass(settings, { title: 'CTO', scoreBreakdown: first.breakdown }, t0, leadMatches, click('e1'));
    expect(clicked.score).toBe(30);
    expect(clicked.breakdown.find((b) => b.ruleId === 'click')).toMatchObject({ kind: 'behaviour', points: 10, earned: [{ eventId: 'e1', points: 10, at: t0.toISOString() }] });
    expect(clicked.nextDecayAt).toBe(days(30).toISOString());
    const again = scorePass(settings, { title: 'CTO', scoreBreakdown: clicked.breakdown }, t0, leadMatches, click('e1'));
    expect(again).toMatchObject({ score: 30, duplicate: true });
    expect(again.breakdown).toEqual(clicked.breakdown);
  });

  it('reaching the threshold makes an MQL once; demographic points follow the fields', () => {
    let lead: Record<string, unknown> = { title: 'CTO', companySize: 500 };
    let pass = scorePass(settings, lead, t0, leadMatches, click('a'));
    expect(pass.score).toBe(40);
    lead = { ...lead, scoreBreakdown: pass.breakdown };
    pass = scorePass(settings, lead, t0, leadMatches, click('b'));
    expect(pass).toMatchObject({ score: 50, becomesMql: true });
    lead = { ...lead, scoreBreakdown: pass.breakdown, mql: true };
    expect(scorePass(settings, lead, t0, leadMatches, click('c')).becomesMql).toBe(false);
    expect(scorePass(settings, { ...lead, title: 'Engineer' }, t0, leadMatches).score).toBe(30);
  });

  it('behaviour points halve at the half-life, demographic ones do not; a removed rule\'s points leave', () => {
    const pass = scorePass(settings, { title: 'CTO' }, t0, leadMatches, click('a'));
    const lead = { title: 'CTO', scoreBreakdown: pass.breakdown };
    expect(scorePass(settings, lead, days(29.9), leadMatches).score).toBe(30);
    expect(scorePass(settings, lead, days(30), leadMatches)).toMatchObject({ score: 25, nextDecayAt: days(60).toISOString() });
    expect(scorePass(settings, lead, days(60), leadMatches).score).toBe(23); // 20 + 2.5 rounded
    expect(scorePass(settings, lead, days(30 * 20), leadMatches).breakdown.map((b) => b.ruleId)).toEqual(['cto']);
    expect(scorePass({ ...settings, rules: settings.rules.filter((r) => r.id !== 'click') }, lead, t0, leadMatches).score).toBe(20);
  });

  it('property: a score is the rounded sum of its breakdown, and the breakdown never goes up with time alone', () => {
    const r = rng(99);
    for (let i = 0; i < 300; i++) {
      let lead: Record<string, unknown> = { title: r() > 0.5 ? 'CTO' : 'Dev', companySize: Math.floor(r() * 400) };
      let now = t0;
      for (let j = 0; j < 6; j++) {
        now = new Date(now.getTime() + Math.floor(r() * 40 * DAY_MS));
        const pass = scorePass(settings, lead, now, leadMatches, r() > 0.3 ? click(`e${i}-${Math.floor(r() * 4)}`, now) : undefined);
        expect(pass.score).toBe(Math.round(pass.breakdown.reduce((s, b) => s + b.points, 0)));
        const later = scorePass(settings, { ...lead, scoreBreakdown: pass.breakdown }, new Date(now.getTime() + Math.floor(r() * 90 * DAY_MS)), leadMatches);
        expect(later.score).toBeLessThanOrEqual(pass.score);
        expect(later.score).toBeGreaterThanOrEqual(0);
        lead = { ...lead, scoreBreakdown: pass.breakdown };
      }
    }
  });
});

describe('settings', () => {
  it('every bad field named: no condition nor event, negative behaviour points, duplicate ids', () => {
    const input = scoringSettingsInput.parse({ threshold: 50, decay: { halfLifeDays: 30 }, rules: [{ points: 5 }, { event: 'email.opened', points: -3 }, { id: 'x', event: 'email.clicked', points: 1 }, { id: 'x', where: { title: { eq: 'a' } }, points: 1 }] });
    expect(scoringProblems(input).map((e) => e.path)).toEqual(['rules.0', 'rules.1.points', 'rules.3.id']);
    expect(scoringSettingsInput.safeParse({ threshold: 0, rules: [], decay: { halfLifeDays: 0 } }).success).toBe(false);
    expect(scoringSettingsInput.safeParse({ threshold: 50, rules: [{ event: 'email.bounced', points: 1 }], decay: { halfLifeDays: null } }).success).toBe(false);
  });

  it('its keys start with the tenant', () => {
    expect(scoringKeys.scoring('demo')).toBe('T#demo#scoring');
    expect(scoringKeys.scoringSettingsSk).toBe('settings');
    expect(scoringKeys.scoringVersionSk(12)).toBe('settings#v000012');
  });
});
