import type { Clock } from '#commons/clock.ts';
import { isStandardObject, recordTypeOf } from '#schemas/metadata.ts';
import { accountEntity } from '../accounts/entity.ts';
import { contactEntity } from '../contacts/entity.ts';
import { leadEntity } from '../leads/entity.ts';
import { opportunityEntity } from '../opportunities/entity.ts';
import { METADATA_REFRESH_MS, type MetadataRegistry } from '../metadata/custom-fields.ts';
import type { MetaJob, StoredField } from '../metadata/items.ts';
import { systemActor } from '../policy/policy.ts';
import type { EntityDefinition, StoredRecord } from '../records/entity.ts';
import { indexedCustomFields } from '../records/list-query.ts';
import { entityOfObject } from '../records/objects.ts';
import { backfillFields, recordPurge, type PurgeContext } from '../records/purging.ts';
import { customSearchFields, searchTokens } from '../records/service.ts';
import type { AuditEntry } from '../records/store.ts';
import type { PurgeStore } from './purge-store.ts';
import { metadataEvent } from './service.ts';

/**
 * The field purge job (issue 7: "a field that is deleted is first deactivated, and purged later by a job"):
 * started by `metadata.field_purge_requested` (rule `metadata-field-purge`, functions/customization/purge-worker.ts).
 *
 * 1. Waits until every container's metadata cache knows the field is `purging` (METADATA_REFRESH_MS after the
 *    request): from then on every record write strips the field's value itself and keeps the index items
 *    of the fields taking its place, so nothing written meanwhile escapes the walk.
 * 2. Walks the object's records page by page — live ones by creation time (GSI2), then the trash (GSI1) — and
 *    takes the value off each one with its list-index item, search tokens and relation links, in one
 *    transaction conditioned on the record's version (a record changed meanwhile is read again and retried),
 *    counting `cleared` in that same transaction. After each page it checkpoints phase, cursor and `examined`
 *    on the job, conditioned on the job's step: a crash resumes at the last checkpoint (a page cut short is
 *    read again: its cleared records have nothing left to clear), and a second delivery of the event either
 *    finds the job done or goes on from where the first left it.
 * 3. Sweeps the field's list-index partition of anything left, then, in one transaction, deletes the field
 *    item (its API name is free), moves the metadata version, marks the job done and writes the audit entry
 *    and `metadata.field_purged`.
 */

export interface PurgeDeps {
  readonly store: PurgeStore;
  /** The worker's own metadata cache (reloaded at the start). */
  readonly registry: Pick<MetadataRegistry, 'reload'>;
  readonly clock: Clock;
  readonly newId: (now: Date) => string;
  readonly sleep: (ms: number) => Promise<void>;
  /** Milliseconds this invocation may still spend before it hands over to a fresh one (continuation event). */
  readonly remainingMs?: () => number;
}

/** Below this much time left in an invocation, the job checkpoints with a continuation event and returns. */
export const HANDOVER_MS = 60_000;
/** A record changed this many times while the job tried to clear it: the invocation fails and is retried. */
const MAX_RECORD_ATTEMPTS = 8;

const STANDARD_ENTITIES: Readonly<Record<string, EntityDefinition>> = {
  accounts: accountEntity, contacts: contactEntity, leads: leadEntity, opportunities: opportunityEntity,
};

export const purger = (tenantId: string) => systemActor(tenantId, 'field-purge', 'Field purge');

/** The pure context of one purge: which field, the fields around it, the entity and the backfilled index fields. */
export function purgeContext(job: Pick<MetaJob, 'object' | 'field'>, fields: readonly StoredField[], object?: { apiName: string; recordType: string; nameField: string }): PurgeContext {
  const field = fields.find((f) => f.apiName === job.field)!;
  const custom = !isStandardObject(job.object);
  const def = custom && object ? entityOfObject(object, fields) : STANDARD_ENTITIES[job.object]!;
  const set = { fields };
  return {
    // Searchable custom fields write search tokens on every object (standard ones too, within their budget).
    field, fields, def, tokens: true,
    currentTokens: (record: StoredRecord) => searchTokens(def, record, customSearchFields(def, set as never, 'active')),
    backfill: backfillFields(indexedCustomFields(set as never, 'write'), indexedCustomFields(set as never, 'query'), fields),
  };
}

export type PurgeOutcome = 'done' | 'already-done' | 'handed-over' | 'failed' | 'no-job';

/** Runs (or resumes) one purge job to its end, or hands it over to a fresh invocation. */
export async function runPurge(tenantId: string, jobId: string, deps: PurgeDeps): Promise<PurgeOutcome> {
  const { store } = deps;
  let job = await store.job(tenantId, jobId);
  if (!job) return 'no-job';
  if (job.status === 'done') return 'already-done';
  if (job.status === 'failed') return 'failed';

  const meta = await deps.registry.reload(tenantId);
  const fields = meta.fields.filter((f) => f.object === job!.object);
  const field = fields.find((f) => f.apiName === job!.field);
  if (!field || field.state !== 'purging' || field.purgeJobId !== job.id) {
    // The finish deletes the field and marks the job done in one transaction: a field gone under a running job is not ours.
    job = await store.job(tenantId, jobId);
    if (job?.status === 'done') return 'already-done';
    await store.fail(tenantId, jobId, deps.clock().toISOString(), `The field ${job?.object}.${job?.field} is not being purged by this job`);
    return 'failed';
  }
  const object = meta.objects.find((o) => o.apiName === job!.object);
  if (!isStandardObject(job.object) && !object) {
    await store.fail(tenantId, jobId, deps.clock().toISOString(), `No object ${job.object}`);
    return 'failed';
  }
  const ctx = purgeContext(job, fields, object);
  const type = recordTypeOf(job.object);

  // 1. Every container sees `purging` before the walk (their caches check the version at most this often).
  const ready = Date.parse(job.requestedAt) + METADATA_REFRESH_MS + 1000;
  while (deps.clock().getTime() < ready) await deps.sleep(Math.min(250, ready - deps.clock().getTime()));

  job = await store.start(tenantId, jobId, deps.clock().toISOString());
  if (!job || job.status !== 'running') return job?.status === 'done' ? 'already-done' : 'failed';

  let finishTries = 0;
  for (;;) {
    if (job.phase === 'finish') {
      const now = deps.clock();
      const version = await store.metadataVersion(tenantId);
      const actor = purger(tenantId);
      const audit: AuditEntry = {
        id: deps.newId(now), at: now.toISOString(), action: 'delete', actor: { id: actor.userId, name: actor.name, email: '' },
        recordType: 'metadata', recordId: job.object,
        before: { field: job.field, state: 'purging', purgeJobId: job.id }, after: { field: job.field, purged: true, examined: job.examined, cleared: await clearedOf(store, tenantId, job) },
      };
      const done = { ...job, cleared: audit.after!.cleared as number };
      const ev = metadataEvent(actor, 'metadata.field_purged', job.object, job.field, {
        jobId: job.id, metadataVersion: version + 1, examined: done.examined, cleared: done.cleared,
      }, now, deps);
      const finished = await store.finish(tenantId, job, version, now.toISOString(), audit, ev);
      if (finished === 'done') return 'done';
      // An admin's change moved the version meanwhile: finish on the new one.
      if (finished === 'version-moved') {
        if (++finishTries < MAX_RECORD_ATTEMPTS) continue;
        throw new Error('The metadata kept changing; the purge will finish on a retry');
      }
      const moved = await store.job(tenantId, jobId);
      if (moved?.status === 'done') return 'already-done';
      if (!moved || moved.status !== 'running') return 'failed';
      job = moved;
      continue;
    }

    let next: Pick<MetaJob, 'phase' | 'cursor' | 'examined'>;
    if (job.phase === 'sweep') {
      // Anything of the field's list index that outlived the walk (a write that raced a cache not yet refreshed).
      const left = await store.leftoverIndex(tenantId, type, job.field, job.pageSize);
      if (left.length) await store.deleteIndex(tenantId, type, job.field, left.map((l) => l.sk));
      next = { phase: left.length === job.pageSize ? 'sweep' : 'finish', examined: job.examined };
    } else {
      const page = await store.page(tenantId, type, job.phase, job.cursor, job.pageSize);
      for (const record of page.records) await clearOne(tenantId, type, job, ctx, record, deps);
      const examined = job.examined + page.records.length;
      next = page.last ? { phase: job.phase, cursor: page.last, examined } : { phase: job.phase === 'live' ? 'trash' : 'sweep', examined };
    }
    const handOver = deps.remainingMs !== undefined && deps.remainingMs() < HANDOVER_MS;
    const continuation = handOver
      ? metadataEvent(purger(tenantId), 'metadata.field_purge_requested', job.object, job.field, { jobId: job.id, metadataVersion: meta.version, continued: true }, deps.clock(), deps)
      : undefined;
    if (await store.checkpoint(tenantId, job, next, continuation)) {
      job = { ...job, ...next, step: job.step + 1 };
      if (!next.cursor) delete job.cursor;
      if (handOver) return 'handed-over';
      continue;
    }
    // Another worker moved the job: go on from where it is now.
    const moved = await store.job(tenantId, jobId);
    if (!moved || moved.status === 'done') return moved ? 'already-done' : 'no-job';
    if (moved.status !== 'running') return 'failed';
    job = moved;
  }
}

async function clearedOf(store: PurgeStore, tenantId: string, job: MetaJob): Promise<number> {
  return (await store.job(tenantId, job.id))?.cleared ?? job.cleared;
}

/** Takes the field off one record; a record changed meanwhile is read again and tried again. */
async function clearOne(tenantId: string, type: string, job: MetaJob, ctx: PurgeContext, first: StoredRecord, deps: PurgeDeps): Promise<void> {
  let record: StoredRecord | undefined = first;
  for (let attempt = 0; record; attempt++) {
    const plan = recordPurge(ctx, record);
    if (!plan) return;
    if (await deps.store.clear(tenantId, type, job.id, job.field, record, plan)) return;
    if (attempt + 1 >= MAX_RECORD_ATTEMPTS) throw new Error(`Record ${type}/${record.id} kept changing; the purge will retry from its last checkpoint`);
    record = await deps.store.record(tenantId, type, record.id);
  }
}
