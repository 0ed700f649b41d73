import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, login, unique, type ApiCall, type ApiResponse } from '../support/client.ts';

/** Requests racing each other through the local runtime (issue 6, "Races"). */

let rep1: ApiCall;
let manager: ApiCall;
let admin: ApiCall;
let rep1Id: string;

async function runtimeNow(): Promise<number> {
  const res = await fetch(`${baseUrl()}/_local/clock`);
  return Math.floor(Date.parse(((await res.json()) as { now: string }).now) / 1000);
}

async function postLead(lead: unknown): Promise<ApiResponse> {
  const raw = JSON.stringify(lead);
  const t = await runtimeNow();
  const sig = createHmac('sha256', 'whsec_demo_secret').update(`${t}.${raw}`).digest('hex');
  return api()('POST', '/api/webhooks/leads/demo-partner', raw, { 'content-type': 'application/json', 'crm-signature': `t=${t},v1=${sig}` });
}

const ids = (res: ApiResponse) => (res.body.items as { id: string }[]).map((i) => i.id);

beforeAll(async () => {
  [rep1, manager, admin] = (await Promise.all(['rep1@demo.local', 'manager@demo.local', 'admin@demo.local'].map(async (e) => api(await login(e))))) as [ApiCall, ApiCall, ApiCall];
  rep1Id = (await rep1('GET', '/api/me')).body.id;
});

describe('ten parallel conversions of one lead', () => {
  it('make exactly one account, contact and opportunity; the others answer 409 or the same result', async () => {
    const u = unique();
    const company = `Race Co ${u}`;
    const email = `race.${u}@example.com`;
    const created = await rep1('POST', '/api/leads', { firstName: 'Rae', lastName: `Racer${u}`, email, company, country: 'DE', ownerId: rep1Id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const leadId = created.body.id as string;

    const answers = await Promise.all(Array.from({ length: 10 }, () =>
      rep1('POST', `/api/leads/${leadId}/convert`, { createOpportunity: true, amount: { amount: 1_000_000, currency: 'EUR' } })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 409), JSON.stringify(statuses)).toBe(true);
    const won = answers.filter((a) => a.status === 200);
    expect(won.length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.headers['content-type']).toMatch(/problem\+json/);
    const first = won[0]!.body;
    for (const a of won) {
      expect(a.body.account.id).toBe(first.account.id);
      expect(a.body.contact.id).toBe(first.contact.id);
      expect(a.body.opportunity.id).toBe(first.opportunity.id);
    }

    const accounts = await manager('GET', `/api/accounts?q=${encodeURIComponent(company)}&limit=100`);
    expect(ids(accounts)).toEqual([first.account.id]);
    const contacts = await manager('GET', `/api/contacts?q=${encodeURIComponent(email)}&limit=100`);
    expect(ids(contacts)).toEqual([first.contact.id]);
    const opportunities = await manager('GET', `/api/opportunities?q=${encodeURIComponent(company)}&limit=100`);
    expect(ids(opportunities)).toEqual([first.opportunity.id]);
    const lead = (await rep1('GET', `/api/leads/${leadId}`)).body;
    expect(lead).toMatchObject({
      status: 'converted',
      convertedTo: { accountId: first.account.id, contactId: first.contact.id, opportunityId: first.opportunity.id },
    });
    expect(lead.conversion).toBeUndefined();
    // One conversion on the account's timeline, and a later attempt is refused.
    const timeline = (await rep1('GET', `/api/accounts/${first.account.id}/timeline`)).body.items as { type: string }[];
    expect(timeline.filter((e) => e.type === 'lead-converted')).toHaveLength(1);
    expect((await rep1('POST', `/api/leads/${leadId}/convert`, {})).status).toBe(409);
  });
});

describe('ten leads with one phone and different emails, posted at once', () => {
  it('give one new lead; the other nine are duplicates of it', async () => {
    const u = unique();
    const phone = `+49 30 ${String(Date.now()).slice(-8)}`;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      postLead({ firstName: 'Pat', lastName: `Phone${u}`, email: `phone${i}.${u}@example.com`, phone, country: 'DE' })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    const accepted = answers.filter((a) => a.body.status === 'accepted');
    expect(accepted, JSON.stringify(answers.map((a) => a.body))).toHaveLength(1);
    const original = accepted[0]!.body.id as string;
    for (const a of answers.filter((x) => x.body.status === 'duplicate')) {
      expect((await rep1('GET', `/api/leads/${a.body.id}`)).body.duplicateOf).toEqual({ type: 'lead', id: original });
    }
    // Admin: the leads went to whoever the rules say, maybe outside the manager's team or in the queue.
    const live = await admin('GET', `/api/leads?q=${encodeURIComponent(`phone${u}`)}&limit=100`);
    expect((live.body.items as { status: string }[]).filter((l) => l.status !== 'duplicate')).toHaveLength(1);
  });

  it('a live lead’s phone is guarded like its email: entering another lead with it by hand is 409 naming phone', async () => {
    const u = unique();
    const phone = `+49 40 ${String(Date.now()).slice(-8)}`;
    const first = await rep1('POST', '/api/leads', { lastName: `Guard${u}`, email: `guard1.${u}@example.com`, phone, country: 'DE' });
    expect(first.status).toBe(201);
    const second = await rep1('POST', '/api/leads', { lastName: `Guard${u}`, email: `guard2.${u}@example.com`, phone, country: 'DE' });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ existingId: first.body.id, errors: [{ path: 'phone', code: 'duplicate' }] });
  });
});
