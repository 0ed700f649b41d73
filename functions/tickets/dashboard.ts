import type { ServiceDashboard } from '#schemas/service-desk.ts';
import { OPEN_TICKET_STATUSES } from '#schemas/ticket.ts';
import { netPromoterScore } from '#schemas/nps.ts';

export type { ServiceDashboard };

/**
 * The service dashboard's figures (AN-4), pure over the `service` aggregate items the ticket transactions
 * keep (functions/tickets/entity.ts): the backlog now by status and queue, and for a period of days the tickets
 * created and solved, the average first-response and resolution times in business minutes, and SLA attainment
 * (the share of first responses and resolutions within target), CSAT, and NPS (the answers the NPS surveys'
 * writes add to the same day items, functions/nps/answer.ts). Two Queries, whatever the number of tickets.
 */
const n = (v: unknown) => (typeof v === 'number' ? v : 0);
const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
const minutes = (ms: number, count: number) => (count > 0 ? Math.round(ms / count / 60000) : null);

export function assembleDashboard(backlogItems: readonly Record<string, unknown>[], dayItems: readonly Record<string, unknown>[], from: string, to: string): ServiceDashboard {
  const cells = backlogItems.flatMap((i) => {
    const [, status = '', queueId = ''] = String(i.sk).split('#');
    const tickets = n(i.tickets);
    return tickets > 0 && OPEN_TICKET_STATUSES.includes(status as never) ? [{ status, queueId, tickets }] : [];
  });
  const byStatus: Record<string, number> = Object.fromEntries(OPEN_TICKET_STATUSES.map((s) => [s, 0]));
  const byQueue: Record<string, number> = {};
  for (const c of cells) {
    byStatus[c.status] = (byStatus[c.status] ?? 0) + c.tickets;
    byQueue[c.queueId] = (byQueue[c.queueId] ?? 0) + c.tickets;
  }
  const sum = { created: 0, solved: 0, firstResponses: 0, firstResponseMs: 0, firstResponseMet: 0, resolutionMs: 0, resolutionMet: 0, breaches: 0, csatResponses: 0, csatScoreSum: 0, csatSatisfied: 0, npsResponses: 0, npsPromoters: 0, npsPassives: 0, npsDetractors: 0 };
  const days = dayItems.map((i) => {
    const date = String(i.sk).slice('day#'.length);
    const breaches = n(i.firstResponseBreaches) + n(i.resolutionBreaches);
    sum.created += n(i.created); sum.solved += n(i.solved); sum.firstResponses += n(i.firstResponses);
    sum.firstResponseMs += n(i.firstResponseMs); sum.firstResponseMet += n(i.firstResponseMet);
    sum.resolutionMs += n(i.resolutionMs); sum.resolutionMet += n(i.resolutionMet); sum.breaches += breaches;
    sum.csatResponses += n(i.csatResponses); sum.csatScoreSum += n(i.csatScoreSum); sum.csatSatisfied += n(i.csatSatisfied);
    sum.npsResponses += n(i.npsResponses); sum.npsPromoters += n(i.npsPromoters); sum.npsPassives += n(i.npsPassives); sum.npsDetractors += n(i.npsDetractors);
    return { date, created: n(i.created), solved: n(i.solved), firstResponses: n(i.firstResponses), breaches };
  }).sort((a, b) => a.date.localeCompare(b.date));
  return {
    period: { from, to },
    backlog: { total: cells.reduce((t, c) => t + c.tickets, 0), byStatus, byQueue, cells },
    totals: {
      created: sum.created, solved: sum.solved, firstResponses: sum.firstResponses, breaches: sum.breaches,
      avgFirstResponseMinutes: minutes(sum.firstResponseMs, sum.firstResponses), avgResolutionMinutes: minutes(sum.resolutionMs, sum.solved),
      firstResponseAttainment: share(sum.firstResponseMet, sum.firstResponses), resolutionAttainment: share(sum.resolutionMet, sum.solved),
      csatResponses: sum.csatResponses, csatAverage: sum.csatResponses > 0 ? Math.round((sum.csatScoreSum / sum.csatResponses) * 10) / 10 : null,
      csatSatisfied: share(sum.csatSatisfied, sum.csatResponses),
      npsResponses: sum.npsResponses, npsPromoters: sum.npsPromoters, npsPassives: sum.npsPassives, npsDetractors: sum.npsDetractors,
      nps: netPromoterScore({ responses: sum.npsResponses, promoters: sum.npsPromoters, detractors: sum.npsDetractors }),
    },
    days,
  };
}
