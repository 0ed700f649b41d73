/**
 * A quote's life (issue 11, SFA-7/SFA-8), as a pure state machine: what each action does to the status and the
 * version, and which approval steps a quote needs. The store applies a transition in one transaction with
 * its audit, timeline and event; a timer (the expiry schedule) and signed links (approve, reject, accept)
 * call the same transitions, so a late or repeated one is refused the same way.
 *
 *   draft ──submit──▶ inApproval ──approve(last step)──▶ approved ──send──▶ sent ──accept──▶ accepted
 *     │  ╲               │   ╲reject──▶ rejected(step)         ▲            │ ──reject──▶ rejected
 *     │   ╲send (no rule matches)─────────────────────────────┘            └─expire──▶ expired
 *     └─edit: stays draft, same version        edit of a sent/approved/rejected/expired quote → a new draft version
 */
export const QUOTE_STATUSES = ['draft', 'inApproval', 'approved', 'sent', 'accepted', 'rejected', 'expired'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

export type QuoteAction =
  | { readonly type: 'edit' }
  /** Ask for approval (or go straight to approved when no rule matches: `steps` is 0). */
  | { readonly type: 'submit'; readonly steps: number }
  | { readonly type: 'approve'; readonly step: number }
  | { readonly type: 'reject-step'; readonly step: number }
  | { readonly type: 'send' }
  | { readonly type: 'accept' }
  | { readonly type: 'reject' }
  | { readonly type: 'expire' };

export interface QuoteState {
  readonly status: QuoteStatus;
  readonly quoteVersion: number;
  /** Approval steps of this version: how many, and how many are approved (in order). */
  readonly approvalSteps: number;
  readonly approvedSteps: number;
}

export class TransitionRefused extends Error {
  constructor(readonly from: QuoteStatus, readonly action: QuoteAction['type'], message: string) {
    super(message);
    this.name = 'TransitionRefused';
  }
}

/** What happens to the quote on `action`; throws TransitionRefused when the action does not apply now. */
export function transition(s: QuoteState, action: QuoteAction): QuoteState {
  const refuse = (why: string): never => { throw new TransitionRefused(s.status, action.type, why); };
  switch (action.type) {
    case 'edit':
      if (s.status === 'draft') return s;
      if (s.status === 'inApproval') return refuse('A quote waiting for approval cannot be edited; it can be withdrawn by its approver\'s decision');
      if (s.status === 'accepted') return refuse('An accepted quote is final');
      // A sent (or decided) quote stays as the customer saw it: editing makes the next version, a draft again.
      return { status: 'draft', quoteVersion: s.quoteVersion + 1, approvalSteps: 0, approvedSteps: 0 };
    case 'submit':
      if (s.status !== 'draft') return refuse('Only a draft is submitted for approval');
      return action.steps > 0
        ? { ...s, status: 'inApproval', approvalSteps: action.steps, approvedSteps: 0 }
        : { ...s, status: 'approved', approvalSteps: 0, approvedSteps: 0 };
    case 'approve':
      if (s.status !== 'inApproval') return refuse('The quote is not waiting for approval');
      if (action.step !== s.approvedSteps) return refuse(action.step < s.approvedSteps ? 'This step is decided already' : 'An earlier step is still open');
      return s.approvedSteps + 1 >= s.approvalSteps
        ? { ...s, status: 'approved', approvedSteps: s.approvalSteps }
        : { ...s, approvedSteps: s.approvedSteps + 1 };
    case 'reject-step':
      if (s.status !== 'inApproval') return refuse('The quote is not waiting for approval');
      if (action.step !== s.approvedSteps) return refuse(action.step < s.approvedSteps ? 'This step is decided already' : 'An earlier step is still open');
      return { ...s, status: 'rejected' };
    case 'send':
      if (s.status === 'inApproval') return refuse('The quote waits for approval and cannot be sent');
      if (s.status !== 'approved' && s.status !== 'sent') return refuse('Only an approved quote is sent (submit a draft first)');
      return { ...s, status: 'sent' };
    case 'accept':
    case 'reject':
      if (s.status !== 'sent') return refuse('Only a sent quote is accepted or rejected');
      return { ...s, status: action.type === 'accept' ? 'accepted' : 'rejected' };
    case 'expire':
      if (s.status === 'accepted' || s.status === 'rejected' || s.status === 'expired') return refuse('A decided quote does not expire');
      return { ...s, status: 'expired' };
  }
}

// --- approval rules as data (SFA-8) ------------------------------------------------------------------------

export type ApprovalCondition =
  /** The quote-level discount, or any line's, is over this percent. */
  | { readonly kind: 'discountOver'; readonly percent: number }
  /** The quote's total in the tenant currency (minor units) is over this amount. */
  | { readonly kind: 'amountOver'; readonly amount: number }
  /** A line's product is in this category. */
  | { readonly kind: 'productCategory'; readonly category: string }
  /** The margin ((net − cost) / net) is under this percent. */
  | { readonly kind: 'marginBelow'; readonly percent: number };

export type Approver =
  | { readonly kind: 'ownerManager' }
  | { readonly kind: 'user'; readonly userId: string }
  | { readonly kind: 'role'; readonly role: string };

export interface ApprovalRule {
  readonly id: string;
  readonly name: string;
  /** All must hold (AND); a rule with no condition never matches. */
  readonly when: readonly ApprovalCondition[];
  /** The steps in order, each decided by its approver. */
  readonly steps: readonly Approver[];
}

/** What rules read of a quote. */
export interface QuoteFacts {
  readonly discountPercent: number;
  readonly lineDiscountPercents: readonly number[];
  /** The total in the tenant currency, minor units (converted at the quote's frozen rate). */
  readonly totalInTenantCurrency: number;
  readonly productCategories: readonly string[];
  /** In percent, when every line's cost is known. */
  readonly marginPercent?: number;
}

const holds = (c: ApprovalCondition, q: QuoteFacts): boolean => {
  switch (c.kind) {
    case 'discountOver': return q.discountPercent > c.percent || q.lineDiscountPercents.some((p) => p > c.percent);
    case 'amountOver': return q.totalInTenantCurrency > c.amount;
    case 'productCategory': return q.productCategories.includes(c.category);
    case 'marginBelow': return q.marginPercent !== undefined && q.marginPercent < c.percent;
  }
};

/**
 * The approval steps a quote needs: the steps of every matching rule in rule order, an approver who already
 * has an earlier step not asked twice.
 */
export function approvalSteps(rules: readonly ApprovalRule[], q: QuoteFacts): { ruleId: string; approver: Approver }[] {
  const out: { ruleId: string; approver: Approver }[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    if (!r.when.length || !r.when.every((c) => holds(c, q))) continue;
    for (const a of r.steps) {
      const key = JSON.stringify(a);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ruleId: r.id, approver: a });
    }
  }
  return out;
}

/** The demo tenant's seeded rule (issue 11): a discount over 15 % needs the owner's manager. */
export const DEFAULT_APPROVAL_RULES: readonly ApprovalRule[] = [
  { id: 'discount-over-15', name: 'Discount over 15 %', when: [{ kind: 'discountOver', percent: 15 }], steps: [{ kind: 'ownerManager' }] },
];

/** `Q-2026-000123`: the tenant's counter per year, six digits (more when it passes 999,999). */
export const quoteNumber = (year: number, n: number) => `Q-${year}-${String(n).padStart(6, '0')}`;
