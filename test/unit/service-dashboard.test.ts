import { describe, expect, it } from 'vitest';
import { assembleDashboard } from '../../functions/tickets/dashboard.ts';
import { openTicketCounters } from '../../functions/tickets/entity.ts';

/** The service dashboard from aggregate items (AN-4), and the open-ticket counters routing reads (SVC-1). */
describe('service dashboard', () => {
  it('sums the backlog by status and queue, averages in business minutes, attainment as a share of targets met', () => {
    const d = assembleDashboard(
      [{ sk: 'backlog#open#support', tickets: 3 }, { sk: 'backlog#pending#support', tickets: 1 }, { sk: 'backlog#new#billing', tickets: 2 }, { sk: 'backlog#open#billing', tickets: 0 }],
      [
        { sk: 'day#2026-12-02', created: 4, firstResponses: 2, firstResponseMs: 2 * 30 * 60000, firstResponseMet: 1, solved: 1, resolutionMs: 90 * 60000, resolutionMet: 1, firstResponseBreaches: 1 },
        { sk: 'day#2026-12-01', created: 1, firstResponses: 2, firstResponseMs: 2 * 60 * 60000, firstResponseMet: 2 },
      ],
      '2026-12-01', '2026-12-02',
    );
    expect(d.backlog).toMatchObject({ total: 6, byStatus: { new: 2, open: 3, pending: 1, onHold: 0 }, byQueue: { support: 4, billing: 2 } });
    expect(d.totals).toEqual({
      created: 5, solved: 1, firstResponses: 4, breaches: 1,
      avgFirstResponseMinutes: 45, avgResolutionMinutes: 90, firstResponseAttainment: 75, resolutionAttainment: 100,
      csatResponses: 0, csatAverage: null, csatSatisfied: null,
      npsResponses: 0, npsPromoters: 0, npsPassives: 0, npsDetractors: 0, nps: null,
    });
    expect(d.days.map((x) => x.date)).toEqual(['2026-12-01', '2026-12-02']);
  });

  it('NPS for the period: the bands summed over the days and the score as % promoters − % detractors', () => {
    const d = assembleDashboard([], [
      { sk: 'day#2026-12-01', npsResponses: 3, npsPromoters: 2, npsPassives: 1, npsDetractors: 0 },
      { sk: 'day#2026-12-02', npsResponses: 4, npsPromoters: 1, npsPassives: 0, npsDetractors: 3, csatResponses: 1, csatScoreSum: 5, csatSatisfied: 1 },
    ], '2026-12-01', '2026-12-02');
    // 3 promoters, 3 detractors of 7: 0, not -0.
    expect(d.totals).toMatchObject({ npsResponses: 7, npsPromoters: 3, npsPassives: 1, npsDetractors: 3, csatResponses: 1, csatAverage: 5 });
    expect(Object.is(d.totals.nps, 0)).toBe(true);
    const one = assembleDashboard([], [{ sk: 'day#2026-12-01', npsResponses: 3, npsPromoters: 2, npsPassives: 0, npsDetractors: 1 }], '2026-12-01', '2026-12-01');
    expect(one.totals.nps).toBe(33);
  });

  it('no tickets: zeros, and no average or attainment rather than 0 %', () => {
    expect(assembleDashboard([], [], '2026-12-01', '2026-12-01').totals).toMatchObject({ created: 0, avgFirstResponseMinutes: null, firstResponseAttainment: null });
  });
});

describe('open tickets per agent', () => {
  const t = (assigneeId: string | undefined, status: string, deletedAt?: string) => ({ ...(assigneeId ? { assigneeId } : {}), status, ...(deletedAt ? { deletedAt } : {}) });
  it('moves with the assignee and with opening and closing, and not at all when neither changes', () => {
    expect(openTicketCounters(undefined, t('a', 'open'))).toEqual([{ userId: 'a', field: 'openTickets', delta: 1 }]);
    expect(openTicketCounters(t('a', 'open'), t('b', 'open'))).toEqual([{ userId: 'a', field: 'openTickets', delta: -1 }, { userId: 'b', field: 'openTickets', delta: 1 }]);
    expect(openTicketCounters(t('a', 'open'), t('a', 'solved'))).toEqual([{ userId: 'a', field: 'openTickets', delta: -1 }]);
    expect(openTicketCounters(t('a', 'solved'), t('a', 'open'))).toEqual([{ userId: 'a', field: 'openTickets', delta: 1 }]);
    expect(openTicketCounters(t('a', 'open'), t('a', 'pending'))).toEqual([]);
    expect(openTicketCounters(t('a', 'open'), t('a', 'open', '2026-12-03T00:00:00Z'))).toEqual([{ userId: 'a', field: 'openTickets', delta: -1 }]);
    expect(openTicketCounters(t(undefined, 'new'), t(undefined, 'open'))).toEqual([]);
  });

  it('over any sequence of changes the count is the number of open tickets the agent has (property)', () => {
    const statuses = ['new', 'open', 'pending', 'onHold', 'solved', 'closed'];
    const agents = ['a', 'b', undefined];
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let run = 0; run < 200; run++) {
      const tickets: (ReturnType<typeof t> | undefined)[] = [undefined, undefined, undefined];
      const count: Record<string, number> = { a: 0, b: 0 };
      for (let step = 0; step < 30; step++) {
        const i = rand(3);
        const next = rand(10) === 0 ? { ...(tickets[i] ?? t('a', 'open')), deletedAt: 'x' } : t(agents[rand(3)], statuses[rand(6)]!);
        if (tickets[i]?.deletedAt) continue;
        for (const c of openTicketCounters(tickets[i], next)) count[c.userId] = (count[c.userId] ?? 0) + c.delta;
        tickets[i] = next;
      }
      for (const a of ['a', 'b']) {
        expect(count[a]).toBe(tickets.filter((x) => x && !x.deletedAt && x.assigneeId === a && ['new', 'open', 'pending', 'onHold'].includes(x.status)).length);
      }
    }
  });
});
