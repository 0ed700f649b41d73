import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, login, sentMail, unique, until, type ApiCall } from '../support/client.ts';

/**
 * A lead posted with `"utm":{}` used to reach the stream forwarder as an unreadable map (DynamoDB Local
 * streams an empty map as `{}`), the forwarder failed the whole batch and the poller skipped it after ten
 * retries: 9 of 9 leads posted with it were never assigned. Now `{}` survives the stream, and the
 * forwarder would report only a record it cannot read.
 */
let admin: ApiCall;
let saved: { rules: unknown[]; etag: string } | undefined;

async function postLead(lead: Record<string, unknown>): Promise<{ status: number; body: any }> {
  const raw = JSON.stringify(lead);
  const clock = (await (await fetch(`${baseUrl()}/_local/clock`)).json()) as { now: string };
  const t = Math.floor(Date.parse(clock.now) / 1000);
  const sig = createHmac('sha256', 'whsec_demo_secret').update(`${t}.${raw}`).digest('hex');
  const res = await fetch(`${baseUrl()}/api/webhooks/leads/demo-partner`, {
    method: 'POST', body: raw, headers: { 'content-type': 'application/json', 'crm-signature': `t=${t},v1=${sig}`, 'idempotency-key': `poison-${unique()}` },
  });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  admin = api(await login('admin@demo.local'));
  const rep1 = (await api(await login('rep1@demo.local'))('GET', '/api/me')).body.id as string;
  // Every lead to rep1, whatever another file left in the rule set; restored afterwards.
  const current = await admin('GET', '/api/assignment-rules');
  saved = { rules: current.body.rules, etag: current.headers.etag ?? '"0"' };
  const res = await admin('PUT', '/api/assignment-rules', {
    rules: [{ id: 'poison-all', name: 'Everything to rep1', enabled: true, conditions: {}, assign: { type: 'user', userId: rep1 }, callbackHours: 48 }],
  }, { 'if-match': saved.etag });
  expect(res.status).toBe(200);
});

afterAll(async () => {
  if (!saved) return;
  const current = await admin('GET', '/api/assignment-rules');
  await admin('PUT', '/api/assignment-rules', { rules: saved.rules }, { 'if-match': current.headers.etag ?? '"0"' });
});

describe('a lead with an empty utm map among others (poison record)', () => {
  it('assigns and notifies every lead of the batch, and keeps utm: {}', async () => {
    const u = unique();
    const leads = Array.from({ length: 9 }, (_, i) => ({
      firstName: 'Poison', lastName: `Batch${u}n${i}z`, email: `poison.${u}.${i}@example.com`, company: `Poison ${i}`, country: 'DE', source: 'Partner Expo',
      ...(i === 4 ? { utm: {} } : { utm: { source: 'expo', campaign: `c${i}` } }),
    }));
    // Posted at once, so they share stream batches with the empty map.
    const answers = await Promise.all(leads.map(postLead));
    expect(answers.map((a) => a.status)).toEqual(leads.map(() => 202));
    await fetch(`${baseUrl()}/_local/settle`, { method: 'POST' });

    for (const [i, a] of answers.entries()) {
      const lead = await until(() => admin('GET', `/api/leads/${a.body.id}`), (r) => r.status === 200 && r.body.status === 'assigned');
      expect([i, lead.body.status]).toEqual([i, 'assigned']);
      if (i === 4) expect(lead.body.utm ?? {}).toEqual({});
    }
    const mail = await until(() => sentMail('rep1@demo.local'), (m) => leads.every((l) => m.some((x) => x.Subject.includes(l.lastName))));
    for (const l of leads) expect(mail.filter((m) => m.Subject.includes(l.lastName)), l.lastName).toHaveLength(1);
    // Nothing of this batch went to the forwarder's on-failure destination or was dead-lettered.
    const invocations = ((await (await fetch(`${baseUrl()}/_local/invocations?function=stream-forwarder`)).json()) as { invocations: { ok: boolean; event: any }[] }).invocations;
    const ours = invocations.filter((x) => JSON.stringify(x.event).includes(`Batch${u}`));
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.every((x) => x.ok)).toBe(true);
    const failures = ((await (await fetch(`${baseUrl()}/_aws/stream/failures`)).json()) as { failures: unknown[] }).failures;
    expect(JSON.stringify(failures)).not.toContain(`Batch${u}`);
  });
});
