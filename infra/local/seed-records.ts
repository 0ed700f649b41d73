/**
 * Demo accounts and contacts for the local runtime's first start, written through the same record
 * service the API uses, so search tokens, timeline and audit entries exist exactly as for real data.
 */
import type { Principal } from '../../functions/commons/auth.ts';
import { systemClock } from '../../functions/commons/clock.ts';
import { newId } from '../../functions/commons/ids.ts';
import { accountEntity } from '../../functions/accounts/entity.ts';
import { contactEntity } from '../../functions/contacts/entity.ts';
import { DynamoRecordStore } from '../../functions/records/dynamo-store.ts';
import { createRecord, type RecordDeps } from '../../functions/records/service.ts';
import { saveRuleSet } from '../../functions/assignment/store.ts';
import { putNewPartner } from '../../functions/partners/store.ts';
import { opportunityEntity } from '../../functions/opportunities/entity.ts';
import { ensureForecastSchedule } from '../../functions/forecast/schedule.ts';
import { DEFAULT_FORECAST_SETTINGS, saveForecastSettings } from '../../functions/pipelines/store.ts';
import { quarterRange, quarterOf } from '../../schemas/pipeline.ts';

export interface SeedOwner {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

interface SeedAccount {
  name: string; domain: string; industry: string; country: string; city: string; phone: string; employees: number;
  revenue?: { amount: number; currency: string }; tags: string[];
  contacts: [first: string, last: string, title: string, phone: string][];
}

const ACCOUNTS: SeedAccount[] = [
  { name: '华为技术有限公司', domain: 'huawei.example.cn', industry: 'Telecommunications', country: 'CN', city: '深圳', phone: '0755 2878 0808', employees: 200000, revenue: { amount: 70_000_000_000_00, currency: 'CNY' }, tags: ['enterprise', 'strategic'],
    contacts: [['伟', '张', '采购总监', '138 0013 8000'], ['芳', '王', 'IT 经理', '139 1001 2002'], ['强', '刘', 'CIO', '136 2002 3003']] },
  { name: '上海云启软件', domain: 'yunqi.example.cn', industry: 'Software', country: 'CN', city: '上海', phone: '021 6888 1234', employees: 350, tags: ['smb'],
    contacts: [['敏', '陈', 'CEO', '137 1234 5678'], ['杰', '杨', '销售副总裁', '135 8765 4321']] },
  { name: '北京智联物流', domain: 'zhilian-logistics.example.cn', industry: 'Logistics', country: 'CN', city: '北京', phone: '010 8456 7788', employees: 1200, revenue: { amount: 450_000_000_00, currency: 'CNY' }, tags: ['mid-market'],
    contacts: [['静', '赵', '运营经理', '186 0000 1111'], ['磊', '黄', '财务总监', '185 2222 3333']] },
  { name: '杭州绿茶电商', domain: 'lvcha.example.cn', industry: 'Retail', country: 'CN', city: '杭州', phone: '0571 8765 4321', employees: 80, tags: ['retail', 'smb'],
    contacts: [['丽', '周', '市场经理', '158 6666 7777']] },
  { name: 'Acme Robotics', domain: 'acme-robotics.example.com', industry: 'Manufacturing', country: 'US', city: 'Austin', phone: '(512) 555-0134', employees: 540, revenue: { amount: 120_000_000_00, currency: 'USD' }, tags: ['manufacturing'],
    contacts: [['John', 'Smith', 'VP Operations', '(512) 555-0101'], ['Emily', 'Johnson', 'Procurement Lead', '(512) 555-0102'], ['Michael', 'Brown', 'CTO', '(512) 555-0103']] },
  { name: 'Northwind Traders', domain: 'northwind.example.com', industry: 'Wholesale', country: 'GB', city: 'London', phone: '020 7946 0018', employees: 220, tags: ['wholesale'],
    contacts: [['Oliver', 'Taylor', 'Managing Director', '020 7946 0019'], ['Amelia', 'Wilson', 'Head of IT', '07700 900123']] },
  { name: 'Contoso Health', domain: 'contoso-health.example.com', industry: 'Healthcare', country: 'US', city: 'Boston', phone: '(617) 555-0188', employees: 3100, revenue: { amount: 900_000_000_00, currency: 'USD' }, tags: ['enterprise', 'healthcare'],
    contacts: [['Sarah', 'Davis', 'Director of Patient Services', '(617) 555-0190'], ['David', 'Miller', 'CFO', '(617) 555-0191']] },
  { name: 'Fabrikam GmbH', domain: 'fabrikam.example.de', industry: 'Automotive', country: 'DE', city: 'München', phone: '089 1234567', employees: 870, tags: ['automotive'],
    contacts: [['Lukas', 'Müller', 'Einkaufsleiter', '089 1234568'], ['Anna', 'Schmidt', 'IT-Leiterin', '0151 23456789']] },
  { name: '新加坡海风贸易 Seabreeze Trading', domain: 'seabreeze.example.sg', industry: 'Wholesale', country: 'SG', city: 'Singapore', phone: '6123 4567', employees: 60, tags: ['apac'],
    contacts: [['Wei Ling', 'Tan', 'Director', '9123 4567'], ['Raj', 'Kumar', 'Operations Manager', '9876 5432']] },
  { name: '深圳光速科技', domain: 'guangsu.example.cn', industry: 'Electronics', country: 'CN', city: '深圳', phone: '0755 8333 6666', employees: 640, tags: ['electronics', 'mid-market'],
    contacts: [['洋', '吴', '研发总监', '159 1111 2222'], ['婷', '徐', '采购专员', '152 3333 4444'], ['勇', '孙', '总经理', '150 5555 6666']] },
  { name: 'Globex Energy', domain: 'globex.example.com', industry: 'Energy', country: 'AU', city: 'Sydney', phone: '02 9374 4000', employees: 1500, revenue: { amount: 310_000_000_00, currency: 'AUD' }, tags: ['energy'],
    contacts: [['Jack', 'Wilson', 'Head of Procurement', '0412 345 678'], ['Chloe', 'Martin', 'Sustainability Lead', '0412 987 654']] },
  { name: '成都天府餐饮集团', domain: 'tianfu-food.example.cn', industry: 'Hospitality', country: 'CN', city: '成都', phone: '028 8555 1234', employees: 2300, tags: ['hospitality'],
    contacts: [['欣', '胡', '信息部经理', '180 2828 3838'], ['鹏', '郭', '采购经理', '181 3939 4949']] },
];

const PINYIN: Record<string, string> = {
  张: 'zhang', 王: 'wang', 刘: 'liu', 陈: 'chen', 杨: 'yang', 赵: 'zhao', 黄: 'huang', 周: 'zhou', 吴: 'wu', 徐: 'xu', 孙: 'sun', 胡: 'hu', 郭: 'guo',
  伟: 'wei', 芳: 'fang', 强: 'qiang', 敏: 'min', 杰: 'jie', 静: 'jing', 磊: 'lei', 丽: 'li', 洋: 'yang', 婷: 'ting', 勇: 'yong', 欣: 'xin', 鹏: 'peng',
};
const ascii = (s: string) => [...s].map((c) => PINYIN[c] ?? c).join('').toLowerCase().replace(/[^a-z]/g, '');

/** The demo partner of the README's "post your first lead" (SFA-1) and a starter rule set (SFA-2). */
async function seedLeadIntake(tenantId: string, owners: readonly SeedOwner[]): Promise<void> {
  const now = new Date();
  await putNewPartner({
    id: 'demo-partner', tenantId, name: 'Demo Partner', secret: 'whsec_demo_secret', rateLimitPerMinute: 120,
    createdAt: now.toISOString(), createdBy: 'seed',
  });
  const [first] = owners;
  if (!first) return;
  await saveRuleSet(tenantId, [
    {
      id: 'china', name: '中国大陆线索 / Mainland China leads', enabled: true,
      conditions: { countries: ['CN'] }, assign: { type: 'user', userId: first.id }, callbackHours: 48,
    },
    {
      id: 'everyone-else', name: 'Everyone else → sales team (round-robin)', enabled: true, conditions: {},
      assign: { type: 'team', name: 'Sales', members: owners.map((o) => o.id), strategy: 'round-robin' }, callbackHours: 48,
    },
  ], 0, 'seed', now);
}

export async function seedRecords(tenantId: string, owners: readonly SeedOwner[]): Promise<void> {
  if (owners.length === 0) return;
  if (tenantId === 'demo') await seedLeadIntake(tenantId, owners);
  const deps: RecordDeps = { store: new DynamoRecordStore(), clock: systemClock, newId };
  const actor = (o: SeedOwner): Principal => ({ tenantId, userId: o.id, email: o.email, name: o.name, role: 'rep', groups: ['rep'] });
  const accounts = tenantId === 'demo' ? ACCOUNTS : ACCOUNTS.slice(4, 7);
  // The weekly forecast email (AN-7): Monday 08:00 in the workspace's time zone, through the same function
  // code an admin's settings change uses.
  const settings = { ...DEFAULT_FORECAST_SETTINGS, ...(tenantId === 'demo' ? {} : { currency: 'USD', email: { ...DEFAULT_FORECAST_SETTINGS.email, timeZone: 'America/New_York' } }) };
  await saveForecastSettings(tenantId, settings);
  await ensureForecastSchedule(tenantId, settings);
  const range = quarterRange(quarterOf(new Date().toISOString()))!;
  const inQuarter = (i: number) => {
    const from = Date.parse(`${range.from}T00:00:00Z`);
    const to = Date.parse(`${range.to}T00:00:00Z`);
    return new Date(from + ((to - from) * ((i * 37) % 100)) / 100).toISOString().slice(0, 10);
  };
  const DEALS: [name: string, stage: string, amount: number, category?: string][] = [
    ['云平台扩容', 'proposal', 1_250_000_00, 'commit'], ['年度维保续约', 'negotiation', 380_000_00, 'bestCase'],
    ['新办公室网络', 'qualification', 96_000_00], ['数据中台一期', 'prospecting', 2_000_000_00],
    ['Robotics line retrofit', 'proposal', 450_000_00, 'bestCase'], ['Clinic scheduling suite', 'won', 210_000_00],
    ['物流调度系统', 'negotiation', 640_000_00, 'commit'], ['Fleet telematics pilot', 'lost', 75_000_00],
  ];
  for (const [i, a] of accounts.entries()) {
    const owner = owners[i % owners.length]!;
    const account = await createRecord(accountEntity, actor(owner), {
      name: a.name, domain: a.domain, industry: a.industry, country: a.country, city: a.city, phone: a.phone,
      employees: a.employees, tags: a.tags, source: 'seed', website: `https://www.${a.domain}`,
      ...(a.revenue ? { annualRevenue: a.revenue } : {}),
    }, deps);
    for (const [first, last, title, phone] of a.contacts) {
      await createRecord(contactEntity, actor(owner), {
        firstName: first, lastName: last, title, phone, country: a.country, accountId: account.id,
        email: `${ascii(first)}.${ascii(last)}@${a.domain}`, language: a.country === 'CN' ? 'zh-CN' : 'en', source: 'seed',
        tags: a.tags.slice(0, 1),
      }, deps);
    }
    const deal = tenantId === 'demo' ? DEALS[i] : undefined;
    if (deal) {
      const [name, stage, amount, category] = deal;
      await createRecord(opportunityEntity, actor(owner), {
        name, accountId: account.id, stage, amount: { amount, currency: a.country === 'US' ? 'USD' : 'CNY' }, closeDate: inQuarter(i + 1),
        ...(category ? { forecastCategory: category } : {}), ...(stage === 'lost' ? { lostReason: 'competitor' } : {}),
      }, deps);
    }
  }
}
