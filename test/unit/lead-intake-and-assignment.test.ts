import { describe, expect, it } from 'vitest';
import { firstMatchingRule, leastLoadedPick, matches, roundRobinPick, type Candidate } from '../../functions/assignment/rules.ts';
import { leadEntity } from '../../functions/leads/entity.ts';
import { signatureHeader, verifySignature } from '../../functions/partners/signature.ts';
import { leadMail } from '../../functions/notifications/templates.ts';
import { callbackScheduleName } from '../../functions/leads/callback-timer.ts';
import type { AssignmentRule } from '../../schemas/assignment.ts';

describe('partner webhook signatures (SFA-1)', () => {
  const body = '{"firstName":"Ada","email":"ada@example.com"}';
  const now = 1_800_000_000;

  it('accepts the current or the previous secret over the exact raw body', () => {
    const header = signatureHeader('whsec_new', now, body);
    expect(verifySignature(header, body, ['whsec_new'], now)).toBe('ok');
    expect(verifySignature(signatureHeader('whsec_old', now, body), body, ['whsec_new', 'whsec_old'], now)).toBe('ok');
    expect(verifySignature(header, body.replace('Ada', 'Eve'), ['whsec_new'], now)).toBe('mismatch');
    expect(verifySignature(header, ` ${body}`, ['whsec_new'], now)).toBe('mismatch');
  });

  it('refuses timestamps more than 300 s away, and missing or malformed headers', () => {
    expect(verifySignature(signatureHeader('s', now - 301, body), body, ['s'], now)).toBe('stale');
    expect(verifySignature(signatureHeader('s', now + 301, body), body, ['s'], now)).toBe('stale');
    expect(verifySignature(signatureHeader('s', now - 300, body), body, ['s'], now)).toBe('ok');
    expect(verifySignature(undefined, body, ['s'], now)).toBe('missing');
    expect(verifySignature('v1=abc', body, ['s'], now)).toBe('malformed');
  });
});

const rule = (over: Partial<AssignmentRule> & Pick<AssignmentRule, 'id'>): AssignmentRule => ({
  name: over.id, enabled: true, conditions: {}, assign: { type: 'user', userId: 'u1' }, ...over,
});

describe('assignment rules (SFA-2)', () => {
  it('takes the first enabled rule, in order, whose conditions all hold', () => {
    const rules = [
      rule({ id: 'off', enabled: false, conditions: { countries: ['CN'] } }),
      rule({ id: 'cn-retail', conditions: { countries: ['CN'], industries: ['Retail'] } }),
      rule({ id: 'big', conditions: { companySizeMin: 1000 } }),
      rule({ id: 'hot', conditions: { scoreMin: 80, sources: ['Partner A'] } }),
    ];
    expect(firstMatchingRule(rules, { country: 'CN', industry: 'retail' })?.id).toBe('cn-retail');
    expect(firstMatchingRule(rules, { country: 'CN', industry: 'Energy', companySize: 5000 })?.id).toBe('big');
    expect(firstMatchingRule(rules, { country: 'US', score: 90, source: 'partner a' })?.id).toBe('hot');
    expect(firstMatchingRule(rules, { country: 'US', score: 50 })).toBeUndefined();
    expect(matches({ companySizeMax: 50 }, {})).toBe(false);
  });

  const team = (away: string[] = [], loads: Record<string, number> = {}) =>
    new Map<string, Candidate>(['a', 'b', 'c'].map((id) => [id, { id, away: away.includes(id), openLeads: loads[id] ?? 0 }]));

  it('round-robin gives each turn to the next member, skipping those away', () => {
    expect([1, 2, 3, 4].map((t) => roundRobinPick(['a', 'b', 'c'], team(), t))).toEqual(['a', 'b', 'c', 'a']);
    expect([1, 2, 3].map((t) => roundRobinPick(['a', 'b', 'c'], team(['b']), t))).toEqual(['a', 'c', 'c']);
    expect(roundRobinPick(['a', 'b', 'c'], team(['a', 'b', 'c']), 1)).toBeUndefined();
  });

  it('least-loaded picks the available member with the fewest open leads, ties to the earlier one', () => {
    expect(leastLoadedPick(['a', 'b', 'c'], team([], { a: 3, b: 1, c: 1 }))?.id).toBe('b');
    expect(leastLoadedPick(['a', 'b', 'c'], team(['b'], { a: 3, b: 1, c: 2 }))?.id).toBe('c');
  });
});

describe('lead lifecycle (SFA-3)', () => {
  const check = (from: string, to: string, extra: Record<string, unknown> = {}) =>
    leadEntity.validateChange!({ status: from }, { status: to, ...extra }).map((e) => e.path);

  it('allows the lifecycle moves and requires a reason to disqualify', () => {
    expect(check('assigned', 'contacted')).toEqual([]);
    expect(check('contacted', 'qualified')).toEqual([]);
    expect(check('qualified', 'disqualified')).toEqual(['disqualifiedReason']);
    expect(check('qualified', 'disqualified', { disqualifiedReason: 'No budget' })).toEqual([]);
    expect(check('converted', 'contacted')).toEqual(['status']);
    expect(check('new', 'converted')).toEqual(['status']);
  });

  it('moves the open-lead count with the owner and the status', () => {
    expect(leadEntity.changeExtras!({ status: 'new', ownerId: 'queue:default' }, { status: 'assigned', ownerId: 'u1' }).counters)
      .toEqual([{ userId: 'u1', field: 'openLeads', delta: 1 }]);
    expect(leadEntity.changeExtras!({ status: 'qualified', ownerId: 'u1' }, { status: 'disqualified', ownerId: 'u1' }).counters)
      .toEqual([{ userId: 'u1', field: 'openLeads', delta: -1 }]);
    expect(leadEntity.changeExtras!({ status: 'contacted', ownerId: 'u1' }, { status: 'contacted', ownerId: 'u2' }).counters)
      .toEqual([{ userId: 'u1', field: 'openLeads', delta: -1 }, { userId: 'u2', field: 'openLeads', delta: 1 }]);
    expect(leadEntity.changeExtras!({ status: 'contacted', ownerId: 'u1' }, { status: 'qualified', ownerId: 'u1' }).counters).toBeUndefined();
  });
});

describe('follow-up mail and timers (SFA-5)', () => {
  it('writes the owner’s email in their language and time zone, with a link to the lead', () => {
    const lead = { id: 'L1', name: '张伟', company: '云启', callbackDueAt: '2026-11-25T08:00:00.000Z' };
    const zh = leadMail('lead-assigned', lead, 'zh-CN', 'Asia/Shanghai', 'https://crm.example.com');
    expect(zh.subject).toBe('新线索已分配给您：张伟');
    expect(zh.text).toContain('https://crm.example.com/leads/L1');
    expect(zh.text).toMatch(/16:00/);
    const en = leadMail('lead-callback-escalation', { ...lead, ownerName: 'Tom' }, 'en', 'UTC', 'http://localhost:3000/');
    expect(en.subject).toBe('Escalation: Tom has not contacted lead 张伟');
    expect(en.html).not.toContain('<script');
  });

  it('names one schedule per lead assignment', () => {
    expect(callbackScheduleName('01JABC', '2026-11-23T08:00:00.000Z')).toBe('lead-callback-01JABC-1795420800');
    expect(callbackScheduleName('01JABCDEFGHJKMNPQRSTVWXYZ0', '2026-11-23T08:00:00.000Z').length).toBeLessThanOrEqual(64);
  });
});
