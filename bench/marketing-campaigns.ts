import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { newId } from '../functions/commons/ids.ts';
import { recordCodec } from '../functions/records/storage/codecs.ts';
import type { StoredRecord } from '../functions/records/entity.ts';
import type { ListContext } from './lists.ts';
import { batchWrite } from './records-seed.ts';

/**
 * Issue 10 — campaigns in `npm run bench` (bench/marketing.ts runs it): an email campaign sent to RECIPIENTS
 * contacts of a segment through the SES emulator (the whole path: segment pages, render, consent gate, send
 * record before SES, SendEmail, member outcomes, checkpoints) — messages per second between the send's start
 * and the campaign's `sent`, and duplicates (addresses of the run with more than one message in /_aws/ses,
 * which must be 0) — next to the floor: the same number of raw SESv2 SendEmail calls to the emulator, 8 in flight.
 */
export interface CampaignsBench { readonly markdown: string; readonly data: unknown }

const RECIPIENTS = Number(process.env.BENCH_CAMPAIGN_RECIPIENTS ?? 10_000);
const RATE = 1000;

export async function measureCampaigns(c: ListContext): Promise<CampaignsBench | undefined> {
  const tag = `Bench${Date.now().toString(36)}`;
  const h = { ...c.admin.headers, 'content-type': 'application/json' };
  const call = async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const res = await fetch(`${c.base}${path}`, { method, headers: { ...h, ...extra }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, etag: res.headers.get('etag') ?? '', body: text ? JSON.parse(text) : undefined };
  };

  // The tenant's SES rate as high as Settings allows, so the bench measures the path, not the throttle.
  const s = await call('GET', '/api/settings/marketing');
  if (s.status === 200) await call('PUT', '/api/settings/marketing', { ...s.body, version: undefined, sendRatePerSecond: RATE }, { 'if-match': s.etag });

  c.log(`campaigns: seeding ${RECIPIENTS} contacts…`);
  const at = new Date().toISOString();
  const owner = c.admin.principal.userId;
  const items = Array.from({ length: RECIPIENTS }, (_, i) => {
    const id = newId(new Date());
    const r: StoredRecord = {
      id, name: `Reader ${i} ${tag}`, ownerId: owner, version: 1, createdAt: at, createdBy: owner, updatedAt: at, updatedBy: owner,
      firstName: `Reader ${i}`, lastName: tag, email: `r${i}.${tag.toLowerCase()}@bench.example`, language: i % 2 ? 'en' : 'zh-CN',
    };
    return recordCodec.encode(r, { tenantId: c.tenantId, type: 'contact' });
  });
  await batchWrite(c.lowLevel, c.table, items);
  const view = await call('POST', '/api/views', { object: 'contacts', name: `Bench ${tag}`, shared: 'all', columns: ['name', 'email'], where: { lastName: { eq: tag } } });
  const template = await call('POST', '/api/email-templates', {
    name: `Bench ${tag}`, subject: { en: 'Hello {{contact.firstName}}', 'zh-CN': '您好 {{contact.firstName}}' },
    html: { en: '<p>Hello {{contact.firstName}}, <a href="https://example.com/x">read more</a></p>', 'zh-CN': '<p>您好 {{contact.firstName}}，<a href="https://example.com/x">了解更多</a></p>' },
  });
  if (view.status !== 201 || template.status !== 201) {
    c.log(`campaigns: setup failed (view ${view.status}, template ${template.status})`);
    return undefined;
  }
  const campaign = await call('POST', '/api/campaigns', { name: `Bench ${tag}`, type: 'email', templateId: template.body.id, segmentId: view.body.id });
  const started = performance.now();
  const sent = await call('POST', `/api/campaigns/${campaign.body.id}/send`, {});
  if (sent.status !== 202) { c.log(`campaigns: send answered ${sent.status}`); return undefined; }
  let state = sent.body;
  while (state.status !== 'sent' && performance.now() - started < 1800_000) {
    await new Promise((r) => setTimeout(r, 1000));
    state = (await call('GET', `/api/campaigns/${campaign.body.id}`)).body;
  }
  const seconds = (performance.now() - started) / 1000;

  const mail = (await (await fetch(`${c.base}/_aws/ses`)).json()) as { messages: { Destination: { ToAddresses: string[] } }[] };
  const perAddress = new Map<string, number>();
  for (const m of mail.messages) for (const a of m.Destination.ToAddresses) if (a.includes(`.${tag.toLowerCase()}@`)) perAddress.set(a, (perAddress.get(a) ?? 0) + 1);
  const duplicates = [...perAddress.values()].filter((n) => n > 1).length;

  c.log('campaigns: the raw SendEmail floor…');
  const ses = new SESv2Client({ endpoint: c.base, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const floorStart = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < RECIPIENTS) {
      const i = next++;
      await ses.send(new SendEmailCommand({
        FromEmailAddress: 'bench@demo.local', Destination: { ToAddresses: [`floor${i}.${tag.toLowerCase()}@floor.example`] },
        Content: { Simple: { Subject: { Data: 'Hello' }, Body: { Html: { Data: '<p>Hello</p>' }, Text: { Data: 'Hello' } } } },
      }));
    }
  }));
  const floorSeconds = (performance.now() - floorStart) / 1000;
  const data = {
    recipients: RECIPIENTS, status: state.status, mailed: perAddress.size, duplicates, seconds, perSecond: perAddress.size / seconds,
    floorSeconds, floorPerSecond: RECIPIENTS / floorSeconds, stats: state.stats, progress: state.progress,
  };
  const markdown = [
    '#### Campaign send (MA-2)',
    '',
    `An email campaign to a segment of ${RECIPIENTS.toLocaleString('en')} contacts through the SES emulator, the tenant's rate set to ${RATE}/s: the whole path (segment pages, render in each language, consent gate, send record before SES, SendEmail, member outcomes, a checkpoint per page).`,
    '',
    '| | messages | seconds | messages/s | duplicates |',
    '|---|---:|---:|---:|---:|',
    `| campaign send (${state.status}) | ${perAddress.size.toLocaleString('en')} | ${seconds.toFixed(1)} | ${(perAddress.size / seconds).toFixed(0)} | ${duplicates} |`,
    `| floor: raw SESv2 SendEmail, 8 in flight | ${RECIPIENTS.toLocaleString('en')} | ${floorSeconds.toFixed(1)} | ${(RECIPIENTS / floorSeconds).toFixed(0)} | — |`,
  ].join('\n');
  return { markdown, data };
}
