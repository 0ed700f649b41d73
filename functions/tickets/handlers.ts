import { httpHandler, json, type HttpRequest } from '#commons/http.ts';
import type { EntityDefinition, StoredRecord } from '../records/entity.ts';
import { recordDeps } from '../records/deps.ts';
import { recordVia } from '../records/handlers.ts';
import { etag, getRecord, parse } from '../records/service.ts';
import { invalid, staleVersion } from '#commons/errors.ts';
import { assertCan } from '../policy/policy.ts';
import { slaView, type TicketSla } from '../sla/sla-state.ts';
import { serviceDeskSettings, type ServiceDeskSettings } from '#schemas/service-desk.ts';
import { conversation, downloadUrl, postReply } from './conversation.ts';
import { startUpload } from './attachments.ts';
import { SERVICE_AGGREGATES, ticketEntityWith } from './entity.ts';
import { assembleDashboard } from './dashboard.ts';
import { Temporal } from 'temporal-polyfill';
import { createNumbered } from './numbering.ts';
import { mergeTickets } from './merge.ts';
import { AddressTaken, loadServiceDesk, loadServiceDeskItem, referenceErrors, saveServiceDesk, SettingsChanged } from './settings-store.ts';

/**
 * The ticket routes (SVC-1): the standard record operations with the ticket entity made from the tenant's
 * service-desk settings; creation takes the next ticket number; a ticket read shows each SLA target's state
 * now and the business minutes left through its calendar; replies and notes go into the conversation.
 */
const entityOf = async (req: HttpRequest) => ticketEntityWith(await loadServiceDesk(req.principal.tenantId));
const base = recordVia(entityOf);

/** The ticket as the page shows it: SLA states at this moment, with business minutes left. */
export function presentTicket(t: StoredRecord, settings: ServiceDeskSettings, now: Date): StoredRecord {
  const sla = t.sla as TicketSla | undefined;
  if (!sla) return t;
  const cal = settings.calendars.find((c) => c.id === sla.calendarId);
  return { ...t, sla: { ...sla, firstResponse: slaView(cal, sla.firstResponse, now), resolution: slaView(cal, sla.resolution, now) } };
}

export const ticketHandlers = {
  ...base,
  create: httpHandler(async (req) => {
    const settings = await loadServiceDesk(req.principal.tenantId);
    const def: EntityDefinition = ticketEntityWith(settings);
    const deps = recordDeps();
    const t = await createNumbered(def, req.principal, req.body, deps);
    return json(201, presentTicket(t, settings, deps.clock()), { etag: etag(t.version), location: `/api/tickets/${t.id}` });
  }),
  get: httpHandler(async (req) => {
    const settings = await loadServiceDesk(req.principal.tenantId);
    const deps = recordDeps();
    const t = await getRecord(ticketEntityWith(settings), req.principal, req.params.id!, deps);
    return json(200, presentTicket(t, settings, deps.clock()), { etag: etag(t.version) });
  }),
  reply: httpHandler(async (req) => {
    const settings = await loadServiceDesk(req.principal.tenantId);
    const deps = recordDeps();
    const { ticket, message } = await postReply(ticketEntityWith(settings), req.principal, req.params.id!, req.body, deps);
    return json(201, { message, ticket: presentTicket(ticket, settings, deps.clock()) }, { etag: etag(ticket.version) });
  }),
  /** POST /api/tickets/{id}/merge `{"into"}`: this ticket into another; both as they are after. */
  merge: httpHandler(async (req) => {
    const settings = await loadServiceDesk(req.principal.tenantId);
    const deps = recordDeps();
    const { source, into } = await mergeTickets(ticketEntityWith(settings), req.principal, req.params.id!, req.body, deps);
    return json(200, { source: presentTicket(source, settings, deps.clock()), into: presentTicket(into, settings, deps.clock()) });
  }),
  /** POST /api/tickets/{id}/attachments `{"fileName","contentType","size"}`: where to PUT a file for a reply. */
  upload: httpHandler(async (req) => json(201, await startUpload(await entityOf(req), req.principal, req.params.id!, req.body, recordDeps()))),
  /** GET /api/tickets/{id}/attachments/{n}?message=: a 5-minute download link of a thread attachment. */
  download: httpHandler(async (req) => json(200, await downloadUrl(await entityOf(req), req.principal, req.params.id!, req.params.n!, req.query.message, recordDeps()))),
  messages: httpHandler(async (req) => json(200, { items: await conversation(await entityOf(req), req.principal, req.params.id!, recordDeps()) })),

  /**
   * GET /api/service/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD (default: the last 30 days in the desk's time
   * zone): the backlog now and the period's figures, from the service aggregates (two Queries).
   */
  dashboard: httpHandler(async ({ principal, query }) => {
    const settings = await loadServiceDesk(principal.tenantId);
    const timeZone = settings.calendars[0]?.timeZone ?? 'UTC';
    const today = Temporal.Now.plainDateISO(timeZone);
    const date = /^\d{4}-\d{2}-\d{2}$/;
    const errors = (['from', 'to'] as const).filter((k) => query[k] !== undefined && (!date.test(query[k]!) || Number.isNaN(Date.parse(query[k]!))))
      .map((k) => ({ path: k, message: 'A date as YYYY-MM-DD', code: 'invalid_date' }));
    if (errors.length) throw invalid(errors);
    const to = query.to ?? today.toString();
    const from = query.from ?? Temporal.PlainDate.from(to).subtract({ days: 29 }).toString();
    if (from > to) throw invalid([{ path: 'from', message: 'The period starts after it ends', code: 'invalid_range' }]);
    const store = recordDeps().store;
    const [backlog, days] = await Promise.all([
      store.aggregateItems?.(principal.tenantId, SERVICE_AGGREGATES, 'backlog#') ?? [],
      store.aggregateRange?.(principal.tenantId, SERVICE_AGGREGATES, `day#${from}`, `day#${to}`) ?? [],
    ]);
    return json(200, assembleDashboard(backlog, days, from, to));
  }),

  /** GET /api/settings/service-desk: every signed-in user (agents need the queues and macros); the ETag is the version. */
  settings: httpHandler(async ({ principal }) => {
    const { settings, version } = await loadServiceDeskItem(principal.tenantId);
    return json(200, settings, { etag: etag(version) });
  }),
  /** PUT /api/settings/service-desk (admins): the whole document, version-checked, with its support addresses' mail routes. */
  putSettings: httpHandler(async ({ principal, body, headers }) => {
    assertCan(principal, 'service-desk:manage');
    const input = parse(serviceDeskSettings, body);
    const errors = referenceErrors(input);
    if (errors.length) throw invalid(errors);
    const current = await loadServiceDeskItem(principal.tenantId);
    const ifMatch = headers['if-match'];
    const expected = ifMatch && ifMatch !== '*' ? Number(ifMatch.replace(/^W\//, '').replace(/"/g, '')) : current.version;
    const stale = () => staleVersion('Someone else changed the service desk settings; reload them.', current.version, current.settings);
    if (expected !== current.version) throw stale();
    try {
      const version = await saveServiceDesk(principal.tenantId, input, current.settings, current.version, recordDeps().clock().toISOString());
      return json(200, input, { etag: etag(version) });
    } catch (error) {
      if (error instanceof SettingsChanged) throw stale();
      if (error instanceof AddressTaken) {
        const i = input.supportAddresses.findIndex((a) => a.address.toLowerCase() === error.address);
        throw invalid([{ path: `supportAddresses.${i}.address`, message: 'Another workspace receives mail at this address', code: 'taken' }]);
      }
      throw error;
    }
  }),
};
