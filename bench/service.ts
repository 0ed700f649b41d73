/**
 * The service desk (issue 9: "email-to-ticket latency through the local SMTP listener, queue view with 5,000
 * open tickets, service dashboard read at 1,000 and 50,000 tickets").
 *
 *  1. Email to ticket: BENCH_SERVICE_MAILS (default 40) mails handed to the runtime's SMTP listener one after
 *     another; per mail the SMTP transaction (connect to `250 queued`: the raw mail is in S3 by then) — the
 *     *floor*, what any SES-receiving design pays — and the time until the ticket is readable through the API
 *     (the receipt's Lambda action done, routing included).
 *  2. Queue view: BENCH_SERVICE_OPEN (default 5,000) open tickets in the support queue, made by the record service
 *     and written straight into DynamoDB Local with their list-index items and summed aggregates; the workspace's
 *     first page (`where[queueId]`, `where[status][in]`, newest first, 50) next to its own DynamoDB reads sent
 *     again as recorded.
 *  3. The dashboard: `GET /api/service/dashboard` after 1,000 and after 50,000 tickets (BENCH_SERVICE_SIZES),
 *     next to its two aggregate Queries; its reads do not grow with the tickets: that is the point.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { defaultServiceDesk } from '../schemas/service-desk.ts';
import { ticketNumber } from '../schemas/ticket.ts';
import { keys } from '../functions/commons/keys.ts';
import { ticketEntityWith } from '../functions/tickets/entity.ts';
import type { EntityDefinition } from '../functions/records/entity.ts';
import type { ListContext } from './lists.ts';
import { againstFloor, random } from './lists.ts';
import { smtpTransaction } from '../test/support/smtp-wire.ts';
import { SEED_CONCURRENCY, batchWrite, opsText, seeder, settleFully, stat, type Reads, type Stat } from './records-seed.ts';

const MAILS = Number(process.env.BENCH_SERVICE_MAILS ?? 40);
const OPEN = Number(process.env.BENCH_SERVICE_OPEN ?? 5000);
const SIZES = (process.env.BENCH_SERVICE_SIZES ?? '1000,50000').split(',').map(Number).filter((n) => n > 0);
const SAMPLES = Number(process.env.BENCH_SERVICE_SAMPLES ?? 100);

export interface ServiceReport {
  mail: { mails: number; smtp: Stat; toTicket: Stat };
  queue: { open: number; api: Stat; floor: Stat; apiReads: Reads; floorReads: Reads };
  dashboard: { tickets: number; aggregateItems: number; api: Stat; floor: Stat; apiReads: Reads; floorReads: Reads }[];
}

export async function measureService(c: ListContext): Promise<ServiceReport> {
  const { base, admin, log } = c;
  const get = async (path: string) => {
    const r = await fetch(`${base}${path}`, { headers: admin.headers });
    if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  const measured = (call: () => Promise<unknown>) => againstFloor(c, SAMPLES, call);

  // 1. Email → ticket.
  const port = ((await (await fetch(`${base}/_aws/ses/inbound`)).json()) as { smtp: { port: number } }).smtp.port;
  const smtp: number[] = [];
  const toTicket: number[] = [];
  log(`service: ${MAILS} mails through SMTP port ${port}…`);
  for (let i = 0; i < MAILS; i++) {
    const raw = [`From: Bench Customer <bench${i}@example.cn>`, 'To: support@demo.local', `Subject: Bench mail ${i}`, `Message-ID: <bench.${Date.now()}.${i}@example.cn>`, 'Content-Type: text/plain; charset=utf-8', '', `Mail number ${i}.`].join('\r\n');
    const t0 = performance.now();
    const id = /queued as ([a-z0-9]+)/.exec(await smtpTransaction(port, `bench${i}@example.cn`, ['support@demo.local'], raw))![1]!;
    const t1 = performance.now();
    for (;;) {
      const receipts = ((await (await fetch(`${base}/_aws/ses/inbound`)).json()) as { receipts: { messageId: string; status: string; result?: { ticketId?: string }[] }[] }).receipts;
      const r = receipts.find((x) => x.messageId === id);
      if (r?.status === 'failed') throw new Error(`inbound mail ${id} failed`);
      if (r?.status === 'delivered' && r.result?.[0]?.ticketId) {
        await get(`/api/tickets/${r.result[0].ticketId}`);
        break;
      }
      await new Promise((res) => setTimeout(res, 2));
    }
    smtp.push(t1 - t0);
    toTicket.push(performance.now() - t0);
  }
  await settleFully(c.settle);

  // 2 and 3. Tickets made by the record service, straight into DynamoDB Local with their summed aggregates.
  const desk = defaultServiceDesk('Asia/Shanghai');
  const def = ticketEntityWith(desk);
  const seed = seeder({ actor: admin.principal, users: c.users, tenantId: c.tenantId, table: c.table, raw: c.raw });
  const rnd = random(9);
  const statuses = ['new', 'open', 'pending', 'onHold'];
  let made = 0;
  async function seedTickets(n: number, open: boolean): Promise<number> {
    const sums = new Map<string, { scope: string; key: string; add: Record<string, number> }>();
    let pending: Promise<void> = Promise.resolve();
    for (let i = 0; i < n; i += 500) {
      const items: Record<string, unknown>[] = [];
      for (let k = i; k < Math.min(n, i + 500); k++) {
        made++;
        const numbered: EntityDefinition = { ...def, createDefaults: { number: ticketNumber(100_000 + made) } };
        const status = open ? statuses[Math.floor(rnd() * statuses.length)]! : 'solved';
        const r = await seed.create(numbered, {
          subject: `Bench ticket ${made}`, requesterEmail: `bench${made % 997}@example.cn`, channel: 'email', priority: 'normal', status, queueId: 'support',
        }, new Date(Date.parse('2026-11-01T00:00:00Z') + made * 50_000)); // 50,000 tickets over 29 days
        items.push(...r.items);
        for (const a of r.aggregates) {
          const key = `${a.scope}|${a.key}`;
          const s = sums.get(key) ?? { scope: a.scope, key: a.key, add: {} };
          for (const [f, v] of Object.entries(a.add)) s.add[f] = (s.add[f] ?? 0) + v;
          sums.set(key, s);
        }
      }
      await pending;
      pending = batchWrite(c.seedClient, c.table, items, SEED_CONCURRENCY);
    }
    await pending;
    // Added to what the mails' tickets left there, as DynamoDB's ADDs would have.
    for (const s of sums.values()) {
      const current = (await c.raw.send(new GetCommand({ TableName: c.table, Key: { pk: keys.aggregate(c.tenantId, s.scope), sk: s.key } }))).Item ?? {};
      for (const [f, v] of Object.entries(current)) if (typeof v === 'number' && f in s.add) s.add[f]! += v;
    }
    const aggregates = [...sums.values()].map((s) => ({ ...s.add, pk: keys.aggregate(c.tenantId, s.scope), sk: s.key, entityType: 'aggregate' }));
    await batchWrite(c.seedClient, c.table, aggregates, SEED_CONCURRENCY);
    return aggregates.length;
  }

  const dashboard: ServiceReport['dashboard'] = [];
  async function readDashboard(): Promise<void> {
    const m = await measured(() => get('/api/service/dashboard?from=2026-11-01&to=2026-11-30'));
    const items = (await get('/api/service/dashboard?from=2026-11-01&to=2026-11-30')).days.length;
    log(`  dashboard at ${made} tickets: API ${opsText(m.apiReads)}, p50 ${m.api.p50.toFixed(2)} ms; floor p50 ${m.floor.p50.toFixed(2)} ms`);
    dashboard.push({ tickets: made, aggregateItems: items, ...m });
  }
  // The open tickets first, stopping at each dashboard size below them (1,000) to read the dashboard there.
  for (const size of SIZES.filter((n) => n < OPEN)) {
    log(`service: seeding up to ${size} open tickets…`);
    await seedTickets(size - made, true);
    await settleFully(c.settle);
    await readDashboard();
  }
  log(`service: seeding up to ${OPEN} open tickets in the support queue…`);
  await seedTickets(OPEN - made, true);
  await settleFully(c.settle);
  const queue = await measured(() => get('/api/tickets?where[queueId][eq]=support&where[status][in]=new,open,pending,onHold&sort=-createdAt&limit=50'));
  log(`  queue view: API ${opsText(queue.apiReads)}, p50 ${queue.api.p50.toFixed(2)} ms; floor p50 ${queue.floor.p50.toFixed(2)} ms`);

  for (const size of SIZES.filter((n) => n >= OPEN)) {
    if (made < size) {
      log(`service: seeding up to ${size} tickets…`);
      await seedTickets(size - made, false);
      await settleFully(c.settle);
    }
    await readDashboard();
  }
  return { mail: { mails: MAILS, smtp: stat(smtp), toTicket: stat(toTicket) }, queue: { open: OPEN, ...queue }, dashboard };
}

const ms = (v: number) => v.toFixed(2);

export function serviceMarkdown(r: ServiceReport): string {
  return [
    '### Service desk (issue 9)',
    '',
    `Email to ticket, ${r.mail.mails} mails one after another through the local SMTP listener: the SMTP transaction (the *floor*: the mail is in S3 when it answers) p50 ${ms(r.mail.smtp.p50)} ms (p99 ${ms(r.mail.smtp.p99)}); until the ticket is readable through the API p50 ${ms(r.mail.toTicket.p50)} ms (p99 ${ms(r.mail.toTicket.p99)}), ${(r.mail.toTicket.p50 / r.mail.smtp.p50).toFixed(1)}× the floor.`,
    '',
    `Tickets made by the record service and written straight into DynamoDB Local with their summed aggregates; ${SAMPLES} rounds of API and raw floor, alternating. *Floor* = the request's own DynamoDB reads, sent again as recorded.`,
    '',
    '| read | tickets | p50 API (ms) | p50 floor (ms) | ratio | p99 API | p99 floor | API reads | floor reads |',
    '|---|---:|---:|---:|---:|---:|---:|---|---|',
    `| the queue view's first page (50 of the support queue's open tickets) | ${r.queue.open.toLocaleString('en')} open | ${ms(r.queue.api.p50)} | ${ms(r.queue.floor.p50)} | ${(r.queue.api.p50 / r.queue.floor.p50).toFixed(2)}× | ${ms(r.queue.api.p99)} | ${ms(r.queue.floor.p99)} | ${opsText(r.queue.apiReads)} | ${opsText(r.queue.floorReads)} |`,
    ...r.dashboard.map((d) => `| \`GET /api/service/dashboard\` (a month, ${d.aggregateItems} day${d.aggregateItems === 1 ? '' : 's'} of figures) | ${d.tickets.toLocaleString('en')} | ${ms(d.api.p50)} | ${ms(d.floor.p50)} | ${(d.api.p50 / d.floor.p50).toFixed(2)}× | ${ms(d.api.p99)} | ${ms(d.floor.p99)} | ${opsText(d.apiReads)} | ${opsText(d.floorReads)} |`),
    '',
  ].join('\n');
}
