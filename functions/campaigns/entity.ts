import { campaignCreate, campaignUpdate } from '#schemas/marketing/campaign.ts';
import type { EntityDefinition } from '../records/entity.ts';

type Fields = Record<string, unknown>;
type FieldError = { path: string; message: string; code: string };

/** Email campaigns' statuses belong to their send; the send moves them (functions/campaigns/service.ts). */
const EMAIL_FLOW = ['draft', 'scheduled', 'sending', 'sent'];

/**
 * MA-2 campaigns in the record kernel: a standard object (custom fields, lists, audit, timeline, trash).
 * An email campaign starts as a draft; its status, schedule and send stamps are set by sending it, never by a
 * PATCH. Other types start planned and are moved by hand (planned, active, completed).
 */
export const campaignEntity: EntityDefinition = {
  type: 'campaign',
  plural: 'campaigns',
  createSchema: campaignCreate as unknown as EntityDefinition['createSchema'],
  updateSchema: campaignUpdate as unknown as EntityDefinition['updateSchema'],
  displayName: (f) => String(f.name ?? '').trim(),
  phoneFields: [],
  uniqueFields: [],
  searchFields: [],
  linkFields: ['type', 'status'],
  derive(before, after) {
    // A new email campaign is a draft; any other type starts planned unless told.
    if (!before) return { status: after.type === 'email' ? 'draft' : (after.status ?? 'planned') };
    return {};
  },
  validateMerged(f) {
    return datesInOrder(f);
  },
  validateNew(f) {
    const errors: FieldError[] = [...datesInOrder(f), ...moneyAgrees(f)];
    if (f.type === 'email' && f.status !== 'draft') errors.push({ path: 'status', message: 'An email campaign\'s status follows its send', code: 'system_field' });
    return errors;
  },
  validateChange(before, after) {
    const errors: FieldError[] = [...moneyAgrees(after)];
    const flowing = before.type === 'email' && before.status !== 'draft';
    if (before.type !== after.type && (flowing || after.type === 'email' || before.type === 'email')) {
      errors.push({ path: 'type', message: 'An email campaign stays one (and another type does not become one): create a new campaign', code: 'immutable' });
    }
    if (before.type === 'email' && before.status !== after.status && !EMAIL_FLOW.includes(String(after.status))) {
      errors.push({ path: 'status', message: 'An email campaign\'s status follows its send', code: 'system_field' });
    }
    if (flowing) {
      for (const f of ['templateId', 'segmentId'] as const) {
        if (before[f] !== after[f]) errors.push({ path: f, message: 'The send has started: its template and segment stay', code: 'immutable' });
      }
    }
    return errors;
  },
};

function datesInOrder(f: Fields): FieldError[] {
  return typeof f.startDate === 'string' && typeof f.endDate === 'string' && f.endDate < f.startDate
    ? [{ path: 'endDate', message: 'The end date is on or after the start date', code: 'date_order' }]
    : [];
}

function moneyAgrees(f: Fields): FieldError[] {
  const b = f.budget as { currency?: string } | undefined;
  const c = f.actualCost as { currency?: string } | undefined;
  return b && c && b.currency !== c.currency ? [{ path: 'actualCost.currency', message: 'Budget and cost are in one currency', code: 'currency_mismatch' }] : [];
}

/** Fields only the system sets (a client's create or PATCH never names them; the schemas refuse them). */
export const CAMPAIGN_SYSTEM_FIELDS = ['scheduledAt', 'sendStartedAt', 'sentAt', 'sendRequestedBy'] as const;
