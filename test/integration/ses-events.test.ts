import { beforeAll, describe, expect, it } from 'vitest';
import { api, baseUrl, busEvents, login, sentMail, settle, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 10: suppression from the SES emulator's configuration-set events, end to end (emulator → default bus →
 * forwarding rule → Cirrus bus → email-events consumer): a send to bounce@simulator.amazonses.com marks the
 * contact bounced and suppresses the address, so the next send is skipped; a complaint unsubscribes and
 * suppresses; a delivery, an open (pixel) and a click (tracked link) become email.* events, first open flagged once.
 */
let marketer: ApiCall;
let admin: ApiCall;
const tag = unique();
const send = (id: string, subscriptionType = 'newsletter') => marketer('POST', '/api/settings/marketing/test-send', { object: 'contacts', id, subscriptionType });
const ofSend = (sendId: string) => async () => (await busEvents()).filter((e) => e.source === 'cirrus.crm' && e.detail?.data?.sendId === sendId);
const contact = async (first: string, email: string) => {
  const r = await admin('POST', '/api/contacts', { firstName: first, lastName: `Ses${tag}`, email, language: 'en' });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
};

beforeAll(async () => {
  [admin, marketer] = await Promise.all([api(await login('admin@demo.local')), api(await login('marketer@demo.local'))]);
});

describe('SES events of a marketing email', () => {
  it('a hard bounce suppresses the address: the contact is bounced and the next send is skipped', async () => {
    const id = await contact('Bounce', `bounce+${tag}@simulator.amazonses.com`);
    const first = await send(id);
    expect(first.body.status).toBe('sent');
    const evs = await until(ofSend(first.body.sendId), (es) => es.some((e) => e['detail-type'] === 'email.bounced'), 15000);
    expect(evs.find((e) => e['detail-type'] === 'email.bounced')!.detail).toMatchObject({ subject: { type: 'contact', id }, data: { bounceType: 'Permanent', bounceSubType: 'General' } });
    expect(evs.filter((e) => e['detail-type'] === 'email.sent')).toHaveLength(1);
    const raw = (await busEvents()).find((e) => e.source === 'aws.ses' && e['detail-type'] === 'Email Bounced' && e.detail.mail.messageId === first.body.messageId);
    expect(raw.detail.mail.tags['cirrus-tenant']).toEqual(['demo']);
    await settle();
    const c = (await admin('GET', `/api/contacts/${id}`)).body;
    expect(c.emailDeliverability).toBe('bounced');
    const next = await send(id, 'events');
    expect(next.body).toMatchObject({ status: 'skipped', reason: 'bounced' });
  });

  it('a complaint unsubscribes and suppresses', async () => {
    const id = await contact('Complaint', `complaint+${tag}@simulator.amazonses.com`);
    const first = await send(id);
    expect(first.body.status).toBe('sent');
    await until(ofSend(first.body.sendId), (es) => es.some((e) => e['detail-type'] === 'email.complained'), 15000);
    await settle();
    const c = (await admin('GET', `/api/contacts/${id}`)).body;
    expect(c.emailDeliverability).toBe('complained');
    expect(c.emailConsent).toMatchObject({ status: 'unsubscribed', source: 'complaint' });
    expect((await send(id)).body).toMatchObject({ status: 'skipped', reason: 'complained' });
  });

  it('delivery, open and click become email.* events; the first open and click are flagged once', async () => {
    const email = `success+${tag}@simulator.amazonses.com`;
    const id = await contact('Success', email);
    const s = await send(id);
    expect(s.body.status).toBe('sent');
    const [m] = (await sentMail(email)).filter((x) => x.Id === s.body.messageId);
    const pixel = /<img src="([^"]+\/_aws\/ses\/open\/[^"]+)"/.exec(m.Body.html_part)![1]!;
    const link = /href="([^"]+\/_aws\/ses\/click\/[^"]+)"/.exec(m.Body.html_part)![1]!.replace(/&amp;/g, '&');
    expect(m.Body.html_part).toContain(`${baseUrl()}/preferences/`); // the footer's links are not tracked (ses:no-track)
    expect((await fetch(pixel)).status).toBe(200);
    expect((await fetch(pixel)).status).toBe(200);
    const click = await fetch(link, { redirect: 'manual' });
    expect(click.status).toBe(302);
    expect(click.headers.get('location')).toBe('https://example.com/cirrus');
    expect((await fetch(`${baseUrl()}/_aws/ses/click/${s.body.messageId}?u=${encodeURIComponent('https://evil.example')}`, { redirect: 'manual' })).status).toBe(404);
    const evs = await until(ofSend(s.body.sendId), (es) => es.filter((e) => e['detail-type'] === 'email.opened').length === 2 && es.some((e) => e['detail-type'] === 'email.clicked'), 15000);
    expect(evs.filter((e) => e['detail-type'] === 'email.delivered')).toHaveLength(1);
    expect(evs.filter((e) => e['detail-type'] === 'email.opened').map((e) => e.detail.data.first).sort()).toEqual([false, true]);
    expect(evs.find((e) => e['detail-type'] === 'email.clicked')!.detail.data).toMatchObject({ first: true, link: 'https://example.com/cirrus' });
    expect((await admin('GET', `/api/contacts/${id}`)).body.emailDeliverability).toBeUndefined();
  });
});
