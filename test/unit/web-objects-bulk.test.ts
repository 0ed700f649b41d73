import { describe, expect, it } from 'vitest';
import { runBulk, type BulkProgress } from '../../frontend/src/views/objects/bulk.ts';

/** The object list's bulk runner (issue 7): progress after every record, one failure stops nothing, a summary by name. */
class Refused extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}
const describeError = (e: unknown) => (e instanceof Refused ? { status: e.status, reason: e.message } : { reason: 'network' });
const records = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i + 1}`, name: `Record ${i + 1}` }));
const tick = () => new Promise((r) => setTimeout(r, 1));

describe('runBulk', () => {
  it('tries every record once, keeps going past failures, and lists the failures by name and reason in selection order', async () => {
    const tried: string[] = [];
    const summary = await runBulk(records(5), async (r) => {
      tried.push(r.id);
      await tick();
      if (r.id === 'r2') throw new Refused(412, 'Someone else changed it');
      if (r.id === 'r4') throw new Refused(403, 'Not yours');
    }, { describe: describeError });
    expect(tried.sort()).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(summary.total).toBe(5);
    expect(summary.succeeded).toEqual(['r1', 'r3', 'r5']);
    expect(summary.failures).toEqual([
      { id: 'r2', name: 'Record 2', status: 412, reason: 'Someone else changed it' },
      { id: 'r4', name: 'Record 4', status: 403, reason: 'Not yours' },
    ]);
  });

  it('reports progress after each record, ending at x = N with the failures counted', async () => {
    const seen: BulkProgress[] = [];
    await runBulk(records(3), async (r) => {
      await tick();
      if (r.id === 'r1') throw new Error('offline');
    }, { describe: describeError, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.done)).toEqual([0, 1, 2, 3]);
    expect(seen.every((p) => p.total === 3)).toBe(true);
    expect(seen.at(-1)).toEqual({ done: 3, total: 3, failed: 1 });
  });

  it('keeps at most `concurrency` requests in flight (one at a time when asked)', async () => {
    for (const concurrency of [1, 2]) {
      let inFlight = 0;
      let most = 0;
      await runBulk(records(6), async () => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        await tick();
        inFlight -= 1;
      }, { describe: describeError, concurrency });
      expect(most).toBe(concurrency);
    }
  });

  it('names a record without a name by its id, words a network error, and survives a describe that throws', async () => {
    const summary = await runBulk([{ id: 'x1' }, { id: 'x2', name: 'Two' }], async (r) => {
      throw r.id === 'x1' ? new TypeError('Failed to fetch') : new Refused(400, 'Bad');
    }, { describe: (e) => { if (e instanceof TypeError) return { reason: 'network' }; throw new Error('oops'); } });
    expect(summary.succeeded).toEqual([]);
    expect(summary.failures).toEqual([
      { id: 'x1', name: 'x1', reason: 'network' },
      { id: 'x2', name: 'Two', reason: 'Bad' },
    ]);
  });

  it('does nothing for an empty selection', async () => {
    const summary = await runBulk([], async () => { throw new Error('never'); }, { describe: describeError });
    expect(summary).toEqual({ total: 0, succeeded: [], failures: [] });
  });
});
