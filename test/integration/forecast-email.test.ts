import { beforeAll, describe, expect, it } from 'vitest';
import { advanceClock, api, baseUrl, login, sentMail, unique, type ApiCall } from '../support/client.ts';

/**
 * The Monday forecast email through the local runtime: the demo tenant's schedule (seeded, Monday 08:00
 * Asia/Shanghai) fires when the clock passes it and mails manager@demo.local the team's quarter with a CSV
 * in /_aws/ses; a second send the same day mails nobody twice.
 */
let admin: ApiCall;
let rep: ApiCall;
const tag = unique();

async function runtimeNow(): Promise<number> {
  return Date.parse(((await (await fetch(`${baseUrl()}/_local/clock`)).json()) as { now: string }).now);
}

/** The next Monday 00:00 UTC (08:00 in Shanghai) after `ms`. */
function nextShanghaiMonday8(ms: number): number {
  const d = new Date(ms);
  const day = d.getUTCDay();
  const add = ((8 - day) % 7) || 7;
  const monday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + add);
  return monday - ms > 7 * 86400_000 ? monday - 7 * 86400_000 : monday;
}

beforeAll(async () => {
  [admin, rep] = await Promise.all([api(await login('admin@demo.local')), api(await login('rep1@demo.local'))]);
});

describe('the Monday forecast email', () => {
  it('the seeded schedule is Monday 08:00 Asia/Shanghai; settings reject a bad time zone or time, naming the fields', async () => {
    const s = await admin('GET', '/api/settings/forecast');
    expect(s.body).toMatchObject({ currency: 'CNY', email: { enabled: true, day: 'MON', time: '08:00', timeZone: 'Asia/Shanghai' } });
    const bad = await admin('PUT', '/api/settings/forecast', { email: { enabled: true, day: 'MON', time: '25:00', timeZone: 'Mars/Olympus' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['email.time', 'email.timeZone']);
    expect((await rep('PUT', '/api/settings/forecast', { email: { enabled: true, day: 'MON', time: '08:00', timeZone: 'Asia/Shanghai' } })).status).toBe(403);
  });

  it('fires at Monday 08:00 in Shanghai and mails the manager the quarter, with a CSV safe for Excel', async () => {
    const now = await runtimeNow();
    // The email covers the quarter of the Monday it fires on, which may be the next quarter when the shared
    // clock (moved by earlier files) sits in a quarter's last week: the deal closes at the end of that one.
    const fireAt = nextShanghaiMonday8(now);
    const closeDate = (() => { const d = new Date(fireAt + 8 * 3600_000); const q = Math.floor(d.getUTCMonth() / 3); return new Date(Date.UTC(d.getUTCFullYear(), q * 3 + 3, 0)).toISOString().slice(0, 10); })();
    const evil = `=HYPERLINK("http://evil.example/${tag}")`;
    expect((await rep('POST', '/api/opportunities', { name: evil, amount: { amount: 990000, currency: 'CNY' }, closeDate, stage: 'proposal' })).status).toBe(201);

    const before = (await sentMail('manager@demo.local')).length;
    await advanceClock(Math.ceil((fireAt - now) / 1000) + 30);
    const mails = await sentMail('manager@demo.local');
    const forecast = mails.slice(before).filter((m) => /^销售预测 /.test(m.Subject));
    expect(forecast).toHaveLength(1);
    const [mail] = forecast;
    expect(mail.Subject).toMatch(/^销售预测 \d{4}-Q[1-4] — /); // the manager's language is zh-CN
    expect(mail.Body.html_part).toContain('合计');
    expect(mail.Attachments).toEqual([{ FileName: expect.stringMatching(/^forecast-\d{4}-Q[1-4]-\d{4}-\d{2}-\d{2}\.csv$/), ContentType: 'text/csv; charset=utf-8', ContentDisposition: 'ATTACHMENT', Size: expect.any(Number) }]);

    const file = await fetch(`${baseUrl()}/_aws/ses/${mail.Id}/attachments/${encodeURIComponent(mail.Attachments[0].FileName)}`);
    expect(file.status).toBe(200);
    const bytes = new Uint8Array(await file.arrayBuffer());
    expect(bytes.length).toBe(mail.Attachments[0].Size);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs to read UTF-8
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(csv.startsWith('\uFEFF"负责人","商机","客户","阶段","金额","币种","赢率","加权金额","预计成交日期","预测类别"')).toBe(true);
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/${tag}"")"`);
    expect(csv).toContain('9900.00,"CNY",50,4950.00');

    // The same day again (a second firing, or an admin's send now): nobody is mailed twice. (The clock moved
    // days, so the tokens signed in before have expired: sign in again.)
    [admin, rep] = await Promise.all([api(await login('admin@demo.local')), api(await login('rep1@demo.local'))]);
    const again = await admin('POST', '/api/forecast/email', {});
    expect(again.status).toBe(200);
    expect(again.body.sent).toEqual([]);
    expect(again.body.skipped.length).toBeGreaterThan(0);
    expect((await sentMail('manager@demo.local')).slice(before).filter((m) => /^销售预测 /.test(m.Subject))).toHaveLength(1);
    expect((await rep('POST', '/api/forecast/email', {})).status).toBe(403);
  });

  it('the Monday firing keeps the week\'s figures: a week later the forecast shows them as last week\'s, for the trend', async () => {
    const now = await runtimeNow();
    const local = new Date(now + 8 * 3600_000);
    const period = `${local.getUTCFullYear()}-Q${Math.floor(local.getUTCMonth() / 3) + 1}`;
    const quarterEnd = new Date(Date.UTC(local.getUTCFullYear(), Math.floor(local.getUTCMonth() / 3) * 3 + 3, 0)).toISOString().slice(0, 10);
    // The previous test's firing kept this period's figures; a deal added since is not in them.
    [admin, rep] = await Promise.all([api(await login('admin@demo.local')), api(await login('rep1@demo.local'))]);
    expect((await rep('POST', '/api/opportunities', { name: `Trend deal ${tag}`, amount: { amount: 3_000_000, currency: 'CNY' }, closeDate: quarterEnd, stage: 'proposal' })).status).toBe(201);
    await advanceClock(7 * 86400);
    admin = api(await login('admin@demo.local'));
    const f = (await admin('GET', `/api/forecast?period=${period}`)).body;
    expect(f.lastWeek).toMatchObject({ at: expect.any(String), total: { pipeline: expect.any(Number) } });
    expect(f.total.pipeline - f.lastWeek.total.pipeline).toBeGreaterThanOrEqual(3_000_000);
    expect(Date.parse(f.lastWeek.at)).toBeLessThanOrEqual(Date.parse(await advanceClock(0)) - 6 * 86400_000);
  });
});

