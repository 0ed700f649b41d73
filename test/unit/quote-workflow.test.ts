import { describe, expect, it } from 'vitest';
import { approvalSteps, DEFAULT_APPROVAL_RULES, quoteNumber, transition, TransitionRefused, type QuoteAction, type QuoteState } from '../../functions/quotes/workflow.ts';
import { mulberry32 } from '../support/prng.ts';

const draft: QuoteState = { status: 'draft', quoteVersion: 1, approvalSteps: 0, approvedSteps: 0 };
const facts = (discountPercent: number, lines: number[] = []) => ({ discountPercent, lineDiscountPercents: lines, totalInTenantCurrency: 1000, productCategories: [] });

describe('quote workflow', () => {
  it('a 20 % discount waits for the owner\'s manager, cannot be sent, and is sent once approved', () => {
    const steps = approvalSteps(DEFAULT_APPROVAL_RULES, facts(0, [20]));
    expect(steps).toEqual([{ ruleId: 'discount-over-15', approver: { kind: 'ownerManager' } }]);
    const waiting = transition(draft, { type: 'submit', steps: steps.length });
    expect(waiting.status).toBe('inApproval');
    expect(() => transition(waiting, { type: 'send' })).toThrow(TransitionRefused);
    const approved = transition(waiting, { type: 'approve', step: 0 });
    expect(approved.status).toBe('approved');
    expect(transition(approved, { type: 'send' }).status).toBe('sent');
  });

  it('15 % exactly needs no approval: the draft is approved on submit', () => {
    expect(approvalSteps(DEFAULT_APPROVAL_RULES, facts(15, [15]))).toEqual([]);
    expect(transition(draft, { type: 'submit', steps: 0 }).status).toBe('approved');
  });

  it('editing a draft keeps its version; editing a sent quote makes the next version, a draft', () => {
    expect(transition(draft, { type: 'edit' })).toEqual(draft);
    const sent = transition(transition(draft, { type: 'submit', steps: 0 }), { type: 'send' });
    expect(transition(sent, { type: 'edit' })).toEqual({ status: 'draft', quoteVersion: 2, approvalSteps: 0, approvedSteps: 0 });
  });

  it('a decided step is refused again (a reused link), and an accepted quote never expires', () => {
    const two = transition(draft, { type: 'submit', steps: 2 });
    const one = transition(two, { type: 'approve', step: 0 });
    expect(() => transition(one, { type: 'approve', step: 0 })).toThrow(/decided already/);
    expect(() => transition(two, { type: 'approve', step: 1 })).toThrow(/earlier step/);
    const accepted = transition(transition(transition(one, { type: 'approve', step: 1 }), { type: 'send' }), { type: 'accept' });
    expect(accepted.status).toBe('accepted');
    expect(() => transition(accepted, { type: 'expire' })).toThrow(TransitionRefused);
  });

  it('numbers quotes Q-<year>-<six digits>', () => {
    expect(quoteNumber(2026, 123)).toBe('Q-2026-000123');
  });

  it('random action sequences: a quote is sent only when approved, the version only grows, and approved steps never pass the steps', () => {
    const actions = (rnd: () => number): QuoteAction => {
      const k = Math.floor(rnd() * 8);
      const step = Math.floor(rnd() * 3);
      return ([{ type: 'edit' }, { type: 'submit', steps: step }, { type: 'approve', step }, { type: 'reject-step', step }, { type: 'send' }, { type: 'accept' }, { type: 'reject' }, { type: 'expire' }] as QuoteAction[])[k]!;
    };
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = mulberry32(seed);
      let s = draft;
      for (let i = 0; i < 40; i++) {
        const a = actions(rnd);
        let next: QuoteState;
        try { next = transition(s, a); } catch (e) { expect(e, `seed ${seed}`).toBeInstanceOf(TransitionRefused); continue; }
        if (next.status === 'sent' && s.status !== 'sent') expect(s.status, `seed ${seed}: sent from`).toBe('approved');
        expect(next.quoteVersion, `seed ${seed}`).toBeGreaterThanOrEqual(s.quoteVersion);
        expect(next.approvedSteps, `seed ${seed}`).toBeLessThanOrEqual(next.approvalSteps);
        if (s.status === 'accepted') expect(next, `seed ${seed}: accepted is final`).toEqual(s);
        s = next;
      }
    }
  });
});
