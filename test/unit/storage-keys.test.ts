import { describe, expect, it } from 'vitest';
import { keys, nameKey, scopes, tenantPrefix } from '../../functions/commons/keys.ts';
import { codecs } from '../../functions/records/storage/codecs.ts';
import { TENANTS, cases } from './storage-values.ts';
import type { campaignsKeys } from '../../functions/commons/keys-campaigns.ts';
import type { consentKeys } from '../../functions/commons/keys-consent.ts';
import type { journeysKeys } from '../../functions/commons/keys-journeys.ts';
import type { scoringKeys } from '../../functions/commons/keys-scoring.ts';
import type { templatesKeys } from '../../functions/commons/keys-templates.ts';

/** Marketing's keys (issue 10) are pinned by each part's own tests, beside its store. */
type MarketingKey = keyof typeof campaignsKeys | keyof typeof consentKeys | keyof typeof journeysKeys | keyof typeof scoringKeys | keyof typeof templatesKeys;

/**
 * functions/commons/keys.ts is the one place keys are built. Data already stored must still be found: every
 * key below is pinned to the exact string the code wrote before keys moved there (docs/data-model.md).
 */
describe('every key is the one already stored', () => {
  const pinned: Record<Exclude<keyof typeof keys, MarketingKey>, [unknown, string]> = {
    record: [keys.record('demo', 'contact', '01J0'), 'T#demo#contact#01J0'],
    recordSk: [keys.recordSk, '~record'],
    timelineSk: [keys.timelineSk('2026-01-02T03:04:05.000Z', '01J1'), 'TL#2026-01-02T03:04:05.000Z#01J1'],
    timelinePrefix: [keys.timelinePrefix, 'TL#'],
    auditSk: [keys.auditSk('2026-01-02T03:04:05.000Z', '01J1'), 'AU#2026-01-02T03:04:05.000Z#01J1'],
    auditPrefix: [keys.auditPrefix, 'AU#'],
    childSk: [keys.childSk('contact', '01J2'), 'CH#contact#01J2'],
    childPrefix: [keys.childPrefix, 'CH#'],
    childTypePrefix: [keys.childTypePrefix('contact'), 'CH#contact#'],
    historySk: [keys.historySk('stage', '2026-01-02T03:04:05.000Z', '01J1'), 'HI#stage#2026-01-02T03:04:05.000Z#01J1'],
    historyPrefix: [keys.historyPrefix('stage'), 'HI#stage#'],
    aggregate: [keys.aggregate('demo', 'forecast'), 'T#demo#agg#forecast'],
    agenda: [keys.agenda('demo', 'u1'), 'T#demo#agenda#u1'],
    followUp: [keys.followUp('demo'), 'T#demo#followup'],
    followUpSk: [keys.followUpSk('lead', 'l1'), 'lead#l1'],
    poolClaimsSk: [keys.poolClaimsSk('u1'), 'claims#u1'],
    agendaSk: [keys.agendaSk('2026-12-07T01:00:00.000Z', 'a1'), '2026-12-07T01:00:00.000Z#a1'],
    forecastAggSk: [keys.forecastAggSk('2026-Q4', 'default', 'u1', 'CNY'), '2026-Q4#default#u1#CNY'],
    forecastPeriodPrefix: [keys.forecastPeriodPrefix('2026-Q4'), '2026-Q4#'],
    list: [keys.list('demo', 'lead'), 'T#demo#lead'],
    trash: [keys.trash('demo', 'lead'), 'T#demo#lead#deleted'],
    byOwner: [keys.byOwner('demo', 'lead', 'queue:default'), 'T#demo#lead#owner#queue:default'],
    byNameSk: [keys.byNameSk('  Ada   LOVELACE ', '01J3'), 'ada lovelace#01J3'],
    byCreatedSk: [keys.byCreatedSk('2026-01-02T03:04:05.000Z', '01J3'), '2026-01-02T03:04:05.000Z#01J3'],
    trashSk: [keys.trashSk('2026-01-02T03:04:05.000Z', '01J3'), '2026-01-02T03:04:05.000Z#01J3'],
    listIndex: [keys.listIndex('demo', 'contact', 'c_tier'), 'T#demo#contact#ix#c_tier'],
    listIndexSk: [keys.listIndexSk('gold', 'ada lovelace', '01J3'), 'gold\u0001ada lovelace#01J3'],
    views: [keys.views('demo'), 'T#demo#view'],
    viewSk: [keys.viewSk('contacts', '01J6'), 'contacts#01J6'],
    lastViewSk: [keys.lastViewSk('u-1', 'contacts'), '~last#u-1#contacts'],
    search: [keys.search('demo', 'contact'), 'T#demo#contact#search'],
    searchSk: [keys.searchSk('8613800138000', '01J4'), '8613800138000#01J4'],
    searchExact: [keys.searchExact('wang.wei@example.cn'), 'wang.wei@example.cn#'],
    unique: [keys.unique('demo', 'lead', 'phone', '+8613800138000'), 'T#demo#lead#phone#+8613800138000'],
    uniqueSk: [keys.uniqueSk, '~unique'],
    event: [keys.event('demo', '01J5'), 'T#demo#event#01J5'],
    eventSk: [keys.eventSk, '~event'],
    idempotency: [keys.idempotency('demo', 'partner:demo-partner', 'first-lead'), 'T#demo#idem#partner:demo-partner#first-lead'],
    idempotencySk: [keys.idempotencySk, '~idem'],
    rate: [keys.rate('demo', 'form:frm_1:127.0.0.1'), 'T#demo#rate#form:frm_1:127.0.0.1'],
    rateSk: [keys.rateSk(29_500_000), '29500000'],
    config: [keys.config('demo'), 'T#demo#config'],
    sequenceSk: [keys.sequenceSk('ticket'), 'sequence#ticket'],
    serviceDeskSk: [keys.serviceDeskSk, 'service-desk'],
    mailRefs: [keys.mailRefs('demo'), 'T#demo#mailref'],
    mailRefSk: [keys.mailRefSk('abc'), 'msg#abc'],
    mailSendSk: [keys.mailSendSk('01J5'), 'out#01J5'],
    surveySendSk: [keys.surveySendSk('01J5', '2026-12-03T00:00:00.000Z'), 'csat#01J5#2026-12-03T00:00:00.000Z'],
    assignmentRulesSk: [keys.assignmentRulesSk, 'assignment-rules'],
    pipelineSk: [keys.pipelineSk('default'), 'pipeline#default'],
    pipelinePrefix: [keys.pipelinePrefix, 'pipeline#'],
    quotaSk: [keys.quotaSk('2026-Q4', 'u1'), 'quota#2026-Q4#u1'],
    quotaPrefix: [keys.quotaPrefix('2026-Q4'), 'quota#2026-Q4#'],
    forecastSettingsSk: [keys.forecastSettingsSk, 'forecast-settings'],
    forecastMailSk: [keys.forecastMailSk('2026-12-07', 'm1'), 'forecast-mail#2026-12-07#m1'],
    calendarFeedSk: [keys.calendarFeedSk('u1'), 'calendar-feed#u1'],
    forecastSnapshotSk: [keys.forecastSnapshotSk('2026-Q4', '2026-12-07'), '2026-Q4#2026-12-07'],
    followUpSettingsSk: [keys.followUpSettingsSk, 'follow-up-settings'],
    roundRobinSk: [keys.roundRobinSk('everyone-else'), 'rr#everyone-else'],
    partners: [keys.partners('demo'), 'T#demo#partner'],
    partnerSk: [keys.partnerSk('demo-partner'), 'demo-partner'],
    forms: [keys.forms('demo'), 'T#demo#form'],
    formSk: [keys.formSk('frm_01j6'), 'frm_01j6'],
    route: [keys.route('partner', 'demo-partner'), 'R#partner#demo-partner'],
    routeSk: [keys.routeSk, '~route'],
    users: [keys.users('demo'), 'T#demo#user'],
    userSk: [keys.userSk('6f1c-sub'), '6f1c-sub'],
    notifications: [keys.notifications('demo', 'u1'), 'T#demo#notif#u1'],
    notificationSk: [keys.notificationSk('2026-01-02T03:04:05.000Z', '01J7:lead-assigned'), '2026-01-02T03:04:05.000Z#01J7:lead-assigned'],
    tasks: [keys.tasks('demo', 'u1'), 'T#demo#task#u1'],
    taskSk: [keys.taskSk('2026-01-04T03:04:05.000Z', '01J8'), '2026-01-04T03:04:05.000Z#01J8'],
    meta: [keys.meta('demo'), 'T#demo#meta'],
    metaFieldSk: [keys.metaFieldSk('contacts', 'c_tier'), 'field#contacts#c_tier'],
    metaFieldPrefix: [keys.metaFieldPrefix, 'field#'],
    metaObjectSk: [keys.metaObjectSk('c_projects'), 'object#c_projects'],
    metaObjectPrefix: [keys.metaObjectPrefix, 'object#'],
    metaLayoutSk: [keys.metaLayoutSk('contacts'), 'layout#contacts'],
    metaLayoutPrefix: [keys.metaLayoutPrefix, 'layout#'],
    metaVersionSk: [keys.metaVersionSk, '~version'],
    metaJobs: [keys.metaJobs('demo'), 'T#demo#metajob'],
    metaJobSk: [keys.metaJobSk('01J9'), '01J9'],
    purgedFieldSk: [keys.purgedFieldSk('contacts', 'c_tier'), 'purged#contacts#c_tier'],
    sharing: [keys.sharing('demo'), 'T#demo#sharing'],
    sharingSk: [keys.sharingSk('leads'), 'object#leads'],
  };

  it.each(Object.entries(pinned))('%s', (_name, [built, expected]) => expect(built).toBe(expected));

  it('scopes of rate windows and idempotency keys are the ones stored', () => {
    expect([scopes.partner('demo-partner'), scopes.form('frm_1'), scopes.formVisitor('frm_1', '::1')]).toEqual(['partner:demo-partner', 'form:frm_1', 'form:frm_1:::1']);
    expect(tenantPrefix('demo')).toBe('T#demo#');
    expect(nameKey('Ｗａｎｇ  Wei')).toBe('wang wei');
  });
});

describe('generated items of every kind', () => {
  const all = cases(20260601, 150);

  it('cover every item kind', () => {
    expect(new Set(all.map((c) => c.kind))).toEqual(new Set(Object.keys(codecs)));
  });

  it('have every partition key (table and GSIs) start with T#<tenant>#, except the routing items', () => {
    for (const c of all) {
      const item = c.codec.encode(c.value, c.where as never);
      const tenant = c.kind === 'outboxEvent' || c.kind === 'partner' || c.kind === 'form' ? (c.value as { tenantId: string }).tenantId : (c.where as { tenantId?: string })?.tenantId;
      const partitions = Object.entries(item).filter(([k]) => k === 'pk' || /^gsi\dpk$/.test(k)).map(([, v]) => v as string);
      expect(partitions.length, c.kind).toBeGreaterThan(0);
      for (const pk of partitions) {
        if (c.kind === 'route') expect(pk, c.kind).toMatch(/^R#(partner|form)#/);
        else expect(pk.startsWith(`T#${tenant}#`), `${c.kind}: ${pk}`).toBe(true);
      }
    }
  });

  it('never reach another tenant: no key of one tenant starts with another tenant\'s prefix', () => {
    for (const c of all.filter((x) => x.kind !== 'route')) {
      const { pk } = c.codec.encode(c.value, c.where as never) as { pk: string };
      const owners = TENANTS.filter((t) => pk.startsWith(tenantPrefix(t)));
      expect(owners, pk).toHaveLength(1);
    }
  });

  it('give different items different table keys: no two kinds, and no two inputs of one kind, share a pk+sk', () => {
    const seen = new Map<string, { kind: string; identity: string }>();
    for (const c of all) {
      const { pk, sk } = c.codec.encode(c.value, c.where as never) as { pk: string; sk: string };
      const key = `${pk}\u0000${sk}`;
      const identity = JSON.stringify(c.identity);
      const earlier = seen.get(key);
      if (earlier) expect({ kind: c.kind, identity }, `${pk} / ${sk}`).toEqual(earlier);
      seen.set(key, { kind: c.kind, identity });
    }
    expect(seen.size).toBeGreaterThan(all.length / 2);
  });

  it('separate words used inside keys when they are ids: a record called "search" is not the search partition\'s item', () => {
    const rec = { id: 'search', name: 'x', ownerId: 'u', version: 1, createdAt: 'c', createdBy: 'u', updatedAt: 'c', updatedBy: 'u' };
    const record = codecs.record.encode(rec, { tenantId: 'demo', type: 'contact' });
    const token = codecs.searchToken.encode({ ...rec, id: 'A1' }, { tenantId: 'demo', type: 'contact', token: '~record' });
    expect(record.pk).toBe(token.pk);
    expect(record.sk).not.toBe(token.sk);
    const rules = codecs.ruleSet.encode({ rules: [], version: 1 }, { tenantId: 'demo' });
    const turn = codecs.roundRobin.encode({ turn: 1 }, { tenantId: 'demo', ruleId: 'assignment-rules' });
    expect([rules.pk, rules.sk]).not.toEqual([turn.pk, turn.sk]);
  });
});
