import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { baseUrl, busEvents, sentMail, unique, until } from '../support/client.ts';

/**
 * PLT-9: a correlation id follows a request into the events it causes and the emails they send — the
 * partner's `x-correlation-id` is on lead.created, on the assignment's lead.assigned and on the owner's email.
 */
async function postLead(lead: Record<string, unknown>, correlationId: string) {
  const raw = JSON.stringify(lead);
  const clock = (await (await fetch(`${baseUrl()}/_local/clock`)).json()) as { now: string };
  const t = Math.floor(Date.parse(clock.now) / 1000);
  const sig = createHmac('sha256', 'whsec_demo_secret').update(`${t}.${raw}`).digest('hex');
  return fetch(`${baseUrl()}/api/webhooks/leads/demo-partner`, {
    method: 'POST', body: raw,
    headers: { 'content-type': 'application/json', 'crm-signature': `t=${t},v1=${sig}`, 'x-correlation-id': correlationId },
  });
}

describe('correlation id', () => {
  it('follows a partner lead into lead.created, lead.assigned and the owner\'s email', async () => {
    const id = `corr-${unique()}`;
    const lastName = `Corr${unique()}`;
    const res = await postLead({ firstName: '敏', lastName, email: `${lastName.toLowerCase()}@example.cn`, company: '关联测试', country: 'CN', source: 'Partner Expo' }, id);
    expect(res.status).toBe(202);
    expect(res.headers.get('x-correlation-id')).toBe(id);
    const events = await until(busEvents, (es) => es.some((e) => e['detail-type'] === 'lead.assigned' && e.detail.correlationId === id), 15_000);
    const ours = events.filter((e) => e.detail.correlationId === id).map((e) => e['detail-type']);
    expect(ours).toEqual(expect.arrayContaining(['lead.created', 'lead.assigned']));
    const owner = events.find((e) => e['detail-type'] === 'lead.assigned' && e.detail.correlationId === id)!.detail.data.ownerId as string;
    expect(owner).toBeTruthy();
    const mail = await until(() => sentMail(), (ms) => ms.some((m) => String(m.Subject).includes(lastName)), 15_000);
    const email = mail.find((m) => String(m.Subject).includes(lastName))!;
    expect(email.Headers).toContainEqual({ Name: 'X-Correlation-Id', Value: id });
  });

  it('gives a request without one its API Gateway request id, and refuses to carry a header-injection attempt', async () => {
    const res = await fetch(`${baseUrl()}/api/health`);
    expect(res.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const evil = await fetch(`${baseUrl()}/api/health`, { headers: { 'x-correlation-id': 'a b<script>' } });
    expect(evil.headers.get('x-correlation-id')).not.toContain('<script>');
  });
});
