import { describe, expect, it } from 'vitest';
import { csvCell, forecastCsv, forecastMail } from '../../functions/forecast/email.ts';
import { localDate } from '../../functions/forecast/email-job.ts';
import { forecastCron } from '../../functions/forecast/schedule.ts';
import { nextFiring, parseExpression } from '../../infra/local/schedule-expression.ts';

/** The Monday forecast email (AN-7): when it fires across daylight saving, its CSV, its two languages. */
describe('the weekly forecast email', () => {
  const monday8 = { enabled: true, day: 'MON' as const, time: '08:00', timeZone: 'Asia/Shanghai' };

  it('fires on Monday 08:00 in the tenant\'s zone: Shanghai has no DST; New York keeps 08:00 across the March and November changes', () => {
    const cron = parseExpression(forecastCron(monday8));
    expect(forecastCron(monday8)).toBe('cron(0 8 ? * MON *)');
    const next = (after: string, tz: string) => new Date(nextFiring(cron, Date.parse(after), tz)!).toISOString();
    expect(next('2026-12-02T10:00:00Z', 'Asia/Shanghai')).toBe('2026-12-07T00:00:00.000Z');
    // New York: EST (UTC-5) before 2027-03-14, EDT (UTC-4) after; back to EST on 2026-11-01.
    expect(next('2027-03-02T00:00:00Z', 'America/New_York')).toBe('2027-03-08T13:00:00.000Z');
    expect(next('2027-03-09T00:00:00Z', 'America/New_York')).toBe('2027-03-15T12:00:00.000Z');
    expect(next('2026-10-27T00:00:00Z', 'America/New_York')).toBe('2026-11-02T13:00:00.000Z');
    expect(forecastCron({ ...monday8, day: 'FRI', time: '17:30' })).toBe('cron(30 17 ? * FRI *)');
    // Which week's email a firing is: the tenant-local date (a 00:00Z firing is already Monday in Shanghai).
    expect(localDate(new Date('2026-12-07T00:00:00Z'), 'Asia/Shanghai')).toBe('2026-12-07');
    expect(localDate(new Date('2026-12-07T00:00:00Z'), 'America/New_York')).toBe('2026-12-06');
  });

  it('writes a CSV Excel opens safely: BOM, one row per deal, formulas kept as text (also full-width ＝)', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    for (const s of ['+1', '-1', '@SUM(A1)', '\tx', '\rx', '＝1+1', '＋1', '－1', '＠x']) expect(csvCell(s).startsWith('"\'')).toBe(true);
    expect(csvCell('Acme')).toBe('"Acme"');
    expect(csvCell(-5)).toBe('"-5"'); // numbers are numbers, not formulas
    const csv = forecastCsv([{ owner: '李娜', opportunity: '=cmd|calc', account: '华为', stage: '方案提供', amount: 125000000, currency: 'CNY', probability: 50, weighted: 62500000, closeDate: '2026-12-20', forecastCategory: 'commit' }], 'zh-CN');
    expect(csv.startsWith('\uFEFF"负责人","商机","客户","阶段","金额","币种","赢率","加权金额","预计成交日期","预测类别"\r\n')).toBe(true);
    expect(csv).toContain('"李娜","\'=cmd|calc","华为","方案提供",1250000.00,"CNY",50,625000.00,"2026-12-20","承诺"\r\n');
    expect(forecastCsv([], 'en')).toBe('\uFEFF"Owner","Opportunity","Account","Stage","Amount","Currency","Probability","Weighted","Close date","Forecast category"\r\n');
  });

  it('is written in the manager\'s language with money in the tenant currency', () => {
    const base = {
      timeZone: 'Asia/Shanghai', period: '2026-Q4', team: '王磊', currency: 'CNY', appUrl: 'http://localhost:3000',
      rows: [{ name: '李娜', pipeline: 125000000, bestCase: 0, commit: 0, closedWon: 2000000, weighted: 62500000, quota: 4000000 }],
      total: { name: '', pipeline: 125000000, bestCase: 0, commit: 0, closedWon: 2000000, weighted: 62500000, quota: 4000000 },
      moved: [{ opportunity: '云平台扩容', owner: '李娜', from: '需求分析', to: '方案提供', at: '2026-12-03T02:00:00Z' }],
      rates: [{ currency: 'USD', rate: 7.1, asOf: '2026-12-01' }],
    };
    const zh = forecastMail({ ...base, lang: 'zh-CN' });
    expect(zh.subject).toBe('销售预测 2026-Q4 — 王磊');
    expect(zh.html).toContain('¥1,250,000.00');
    expect(zh.html).toContain('合计');
    expect(zh.html).toContain('50%');
    expect(zh.text).toContain('云平台扩容 (李娜): 需求分析 → 方案提供');
    expect(zh.html).toContain('1 USD = 7.1 CNY (2026-12-01)');
    const en = forecastMail({ ...base, lang: 'en', moved: [] });
    expect(en.subject).toBe('Forecast 2026-Q4 — 王磊');
    expect(en.html).toContain('CN¥1,250,000.00');
    expect(en.html).toContain('No deal changed stage since last week.');
    expect(en.html).not.toMatch(/合计|负责人|上周/);
  });
});
