import { describe, expect, it } from 'vitest';
import { agentFor, queueFor } from '../../functions/tickets/routing.ts';
import { mergeFields, renderMacro } from '../../schemas/macros.ts';
import { nextSla } from '../../functions/sla/sla-state.ts';
import { slaScheduleName, slaTimers } from '../../functions/sla/timer-plan.ts';
import { defaultServiceDesk, type Queue, type ServiceDeskSettings } from '../../schemas/service-desk.ts';

const base = defaultServiceDesk();
const settings: ServiceDeskSettings = {
  ...base,
  queues: [...base.queues, { id: 'billing', name: { en: 'Billing', 'zh-CN': '账务' }, agentIds: ['a1'], assignment: 'leastOpen' }, { id: 'vip', name: { en: 'VIP', 'zh-CN': '大客户' }, agentIds: [], assignment: 'manual' }],
  routingRules: [
    { id: 'gold', name: 'Gold customers', when: { tiers: ['gold'] }, queueId: 'vip' },
    { id: 'invoices', name: 'Invoices', when: { subjectWords: ['invoice', '发票'], channels: ['email', 'portal'] }, queueId: 'billing' },
    { id: 'gone', name: 'To a deleted queue', when: {}, queueId: 'nowhere' },
  ],
  supportAddresses: [{ address: 'billing@demo.local', name: 'Billing', queueId: 'billing', language: 'zh-CN' }],
};

describe('ticket routing', () => {
  it('the first matching rule wins; words match inside Chinese subjects; a rule to a missing queue is skipped', () => {
    expect(queueFor(settings, { customerTier: 'gold', subject: 'Invoice' })).toEqual({ queueId: 'vip', by: 'gold' });
    expect(queueFor(settings, { channel: 'email', subject: '请重开发票' })).toEqual({ queueId: 'billing', by: 'invoices' });
    expect(queueFor(settings, { channel: 'api', subject: 'Invoice' })).toEqual({ queueId: 'support', by: 'default' });
  });

  it('without a rule, the support address\'s queue, else the default queue', () => {
    expect(queueFor(settings, { channel: 'chat', subject: 'Hi', supportAddress: 'Billing@demo.local' })).toEqual({ queueId: 'billing', by: 'address' });
    expect(queueFor(settings, { channel: 'chat', subject: 'Hi', supportAddress: 'other@demo.local' })).toEqual({ queueId: 'support', by: 'default' });
  });

  it('round-robin skips agents who are away or lack the skill; least-open takes the fewest; manual gives none', () => {
    const q: Queue = { id: 'q', name: { en: 'Q', 'zh-CN': 'Q' }, agentIds: ['a', 'b', 'c'], assignment: 'roundRobin', skill: 'zh' };
    const agents = [{ id: 'a', skills: ['zh'] }, { id: 'b', skills: ['en'] }, { id: 'c', skills: ['ZH'], away: true }, { id: 'd', skills: ['zh'] }];
    expect([1, 2, 3].map((turn) => agentFor(q, agents, turn))).toEqual(['a', 'a', 'a']);
    const back = agents.map((a) => (a.id === 'c' ? { ...a, away: false } : a));
    expect([1, 2, 3].map((turn) => agentFor(q, back, turn))).toEqual(['a', 'c', 'a']);
    expect(agentFor({ ...q, assignment: 'leastOpen', skill: undefined }, [{ id: 'a', openTickets: 5 }, { id: 'b', openTickets: 2 }, { id: 'c', openTickets: 2 }], 1)).toBe('b');
    expect(agentFor({ ...q, assignment: 'manual' }, agents, 1)).toBeUndefined();
  });
});

describe('macros', () => {
  it('merge fields with fallbacks, in the customer\'s language, reading nothing but own values', () => {
    const macro = { id: 'm', name: { en: 'Thanks', 'zh-CN': '感谢' }, body: { en: 'Hi {{contact.firstName|there}}, about {{ticket.number}}: — {{agent.name}}', 'zh-CN': '{{contact.lastName|您好}}，关于 {{ticket.number}}' } };
    expect(renderMacro(macro, 'en', { contact: { firstName: 'Fang' }, ticket: { number: 'T-000042' }, agent: { name: 'Sam' } })).toBe('Hi Fang, about T-000042: — Sam');
    expect(renderMacro(macro, 'en', { contact: { firstName: '  ' }, ticket: { number: 'T-000042' } })).toBe('Hi there, about T-000042: — ');
    expect(renderMacro(macro, 'zh-CN', { ticket: { number: 'T-000042' } })).toBe('您好，关于 T-000042');
    expect(mergeFields('{{contact.__proto__|x}} {{contact.constructor}}', { contact: {} })).toBe('x ');
  });
});

describe('SLA timers', () => {
  it('a new ticket wants its warning and breach schedules for both targets, by deterministic names', () => {
    const at = '2026-12-07T02:00:00.000Z';
    const sla = nextSla(base, undefined, { createdAt: at, priority: 'normal', status: 'new' }, at);
    const timers = slaTimers('t1', sla, true);
    expect(timers.map((t) => [t.name, t.at])).toEqual([
      ['sla-t1-first-response-warning', '2026-12-07T05:00:00.000Z'],
      ['sla-t1-first-response-breach', '2026-12-07T06:00:00.000Z'],
      ['sla-t1-resolution-warning', sla!.resolution.warnAt],
      ['sla-t1-resolution-breach', '2026-12-10T02:00:00.000Z'],
    ]);
  });

  it('a met, paused or deleted target wants none (each is deleted); a warned target wants only its breach', () => {
    const at = '2026-12-07T02:00:00.000Z';
    const t0 = { createdAt: at, priority: 'normal', status: 'new' };
    const sla0 = nextSla(base, undefined, t0, at);
    const t1 = { ...t0, sla: sla0, status: 'pending', firstRespondedAt: '2026-12-07T05:30:00.000Z' };
    const sla1 = nextSla(base, { ...t0, sla: sla0 }, t1, '2026-12-07T05:30:00.000Z')!;
    expect(sla1.firstResponse.state).toBe('met');
    expect(slaTimers('t1', sla1, true).every((t) => t.at === undefined)).toBe(true);
    expect(slaTimers('t1', sla0, false).every((t) => t.at === undefined)).toBe(true);
    const warned = nextSla(base, { ...t0, sla: sla0 }, { ...t0, sla: sla0, tags: ['x'] }, '2026-12-07T05:10:00.000Z')!;
    expect(warned.firstResponse.state).toBe('warning');
    expect(slaTimers('t1', warned, true).filter((t) => t.at).map((t) => t.name)).toEqual([slaScheduleName('t1', 'firstResponse', 'breach'), slaScheduleName('t1', 'resolution', 'warning'), slaScheduleName('t1', 'resolution', 'breach')]);
  });
});
