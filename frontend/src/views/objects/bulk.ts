/**
 * The bulk runner of the object list (issue 7, bulk actions): one task per selected record, a few at a time,
 * progress after each, and a summary at the end. One failure stops nothing: every record is tried once and
 * what succeeded stays done. Pure (no Vue, no HTTP): the list page gives it the task and how to word a failure.
 */
export interface BulkTarget {
  readonly id: string;
  readonly name?: string;
}

export interface BulkFailure {
  readonly id: string;
  /** The record's name as the list showed it (its id when it has none). */
  readonly name: string;
  /** The HTTP status when the server refused (400, 403, 404, 412, …); undefined for a network error. */
  readonly status?: number;
  readonly reason: string;
}

export interface BulkProgress {
  /** Records finished so far (succeeded or failed). */
  readonly done: number;
  readonly total: number;
  readonly failed: number;
}

export interface BulkSummary {
  readonly total: number;
  readonly succeeded: string[];
  /** In the order the records were selected. */
  readonly failures: BulkFailure[];
}

export interface BulkOptions {
  /** Requests in flight at once (default 2: the API's per-user throttle and a small machine both like it calm). */
  readonly concurrency?: number;
  readonly onProgress?: (p: BulkProgress) => void;
  /** A failed task's status and sentence (the page maps 412 to "someone else changed it", …). */
  readonly describe: (e: unknown) => { status?: number; reason: string };
}

export async function runBulk<T extends BulkTarget>(targets: readonly T[], task: (t: T) => Promise<unknown>, options: BulkOptions): Promise<BulkSummary> {
  const total = targets.length;
  const ok = new Set<string>();
  const failed = new Map<string, BulkFailure>();
  const width = Math.max(1, Math.min(options.concurrency ?? 2, total || 1));
  let next = 0;
  let done = 0;
  options.onProgress?.({ done, total, failed: 0 });

  async function worker(): Promise<void> {
    while (next < total) {
      const target = targets[next++]!;
      try {
        await task(target);
        ok.add(target.id);
      } catch (e) {
        let said: { status?: number; reason: string };
        try {
          said = options.describe(e);
        } catch {
          said = { reason: String((e as Error)?.message ?? e) };
        }
        failed.set(target.id, { id: target.id, name: target.name || target.id, ...(said.status === undefined ? {} : { status: said.status }), reason: said.reason });
      }
      done += 1;
      options.onProgress?.({ done, total, failed: failed.size });
    }
  }

  await Promise.all(Array.from({ length: width }, worker));
  return {
    total,
    succeeded: targets.filter((t) => ok.has(t.id)).map((t) => t.id),
    failures: targets.filter((t) => failed.has(t.id)).map((t) => failed.get(t.id)!),
  };
}
