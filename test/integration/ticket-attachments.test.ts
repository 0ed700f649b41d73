import { beforeAll, describe, expect, it } from 'vitest';
import { api, login, sentMail, unique, until, type ApiCall } from '../support/client.ts';

/**
 * Issue 9, attachments in the agent's composer: a file is uploaded to a presigned URL the API gives for the
 * ticket, named in a public reply (the customer's email carries it) and downloaded through a 5-minute link;
 * keys of another ticket or never uploaded, and files over 10 MB, are refused naming the field; a rep who may
 * not work the ticket gets no upload URL.
 */
let agent: ApiCall;
let rep: ApiCall;
const tag = unique();
const customer = `att.${tag}@example.cn`;
const bytes = Buffer.from(`%PDF-1.4 quote ${tag}\n`);

beforeAll(async () => {
  [agent, rep] = await Promise.all([api(await login('agent@demo.local')), api(await login('rep1@demo.local'))]);
});

async function upload(ticketId: string, fileName: string, body: Buffer, contentType = 'application/pdf') {
  const r = await agent('POST', `/api/tickets/${ticketId}/attachments`, { fileName, contentType, size: body.length });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const put = await fetch(r.body.uploadUrl, { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': contentType } });
  expect(put.status, await put.text()).toBe(200);
  return r.body as { key: string; uploadUrl: string; expiresAt: string };
}

describe('ticket attachments', () => {
  let ticketId = '';
  let other = '';
  beforeAll(async () => {
    ticketId = (await agent('POST', '/api/tickets', { subject: `Quote attached ${tag}`, requesterEmail: customer })).body.id;
    other = (await agent('POST', '/api/tickets', { subject: `Other ${tag}` })).body.id;
  });

  it('an uploaded file goes out with the public reply and downloads through a short-lived link', async () => {
    const up = await upload(ticketId, 'quote/2026.pdf', bytes);
    expect(up.key).toMatch(new RegExp(`^demo/tickets/${ticketId}/uploads/[^/]+/quote_2026\\.pdf$`));
    expect(Date.parse(up.expiresAt)).toBeGreaterThan(Date.now() - 60_000);
    const r = await agent('POST', `/api/tickets/${ticketId}/replies`, { body: 'The quote is attached.', public: true, attachments: [{ key: up.key, fileName: 'quote 2026.pdf', contentType: 'application/pdf' }] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.message.attachments).toEqual([{ key: up.key, fileName: 'quote 2026.pdf', contentType: 'application/pdf', size: bytes.length }]);
    const mails = await until(() => sentMail(customer), (m) => m.length > 0);
    expect(mails[0].Attachments).toEqual([expect.objectContaining({ FileName: 'quote 2026.pdf', ContentType: 'application/pdf', Size: bytes.length })]);

    const link = await agent('GET', `/api/tickets/${ticketId}/attachments/0?message=${encodeURIComponent(r.body.message.id)}`);
    expect(link.status, JSON.stringify(link.body)).toBe(200);
    const got = await fetch(link.body.url);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    expect(got.headers.get('content-disposition')).toContain("filename*=UTF-8''quote%202026.pdf");
    // Nothing else of the thread, nor another ticket's message.
    expect((await agent('GET', `/api/tickets/${ticketId}/attachments/1?message=${encodeURIComponent(r.body.message.id)}`)).status).toBe(404);
    expect((await agent('GET', `/api/tickets/${ticketId}/attachments/0?message=nope`)).status).toBe(404);
    expect((await agent('GET', `/api/tickets/${other}/attachments/0?message=${encodeURIComponent(r.body.message.id)}`)).status).toBe(404);
  });

  it('keys of another ticket or never uploaded are refused, naming the attachment', async () => {
    const foreign = await upload(other, 'other.pdf', bytes);
    const r1 = await agent('POST', `/api/tickets/${ticketId}/replies`, { body: 'x', public: false, attachments: [{ key: foreign.key, fileName: 'other.pdf', contentType: 'application/pdf' }] });
    expect(r1.status).toBe(400);
    expect(r1.headers['content-type']).toContain('application/problem+json');
    expect(r1.body.errors.map((e: any) => e.path)).toEqual(['attachments.0.key']);
    const ghost = `demo/tickets/${ticketId}/uploads/nothing/ghost.pdf`;
    const mine = await upload(ticketId, 'fine.pdf', bytes);
    const r2 = await agent('POST', `/api/tickets/${ticketId}/replies`, { body: 'x', public: false, attachments: [
      { key: mine.key, fileName: 'fine.pdf', contentType: 'application/pdf' }, { key: ghost, fileName: 'ghost.pdf', contentType: 'application/pdf' }] });
    expect(r2.status).toBe(400);
    expect(r2.body.errors.map((e: any) => e.path)).toEqual(['attachments.1.key']);
    const thread = (await agent('GET', `/api/tickets/${ticketId}/messages`)).body.items;
    expect(thread.filter((m: any) => m.from === 'note')).toEqual([]);
  });

  it('bad upload requests name every bad field; a rep who may not work the ticket gets no URL', async () => {
    const big = await agent('POST', `/api/tickets/${ticketId}/attachments`, { fileName: 'huge.iso', contentType: 'application/octet-stream', size: 20 * 1024 * 1024 });
    expect(big.status).toBe(400);
    expect(big.body.errors.map((e: any) => e.path)).toEqual(['size']);
    const bad = await agent('POST', `/api/tickets/${ticketId}/attachments`, { fileName: '', contentType: 'x'.repeat(101), size: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path).sort()).toEqual(['contentType', 'fileName', 'size']);
    expect((await agent('POST', '/api/tickets/nope/attachments', { fileName: 'a.txt', contentType: 'text/plain', size: 1 })).status).toBe(404);
    expect([403, 404]).toContain((await rep('POST', `/api/tickets/${ticketId}/attachments`, { fileName: 'a.txt', contentType: 'text/plain', size: 1 })).status);
  });
});
