import { describe, expect, it } from 'vitest';
import { runPurge, type PurgeDeps } from '../../functions/customization/purge.ts';
import type { PurgeStore, WalkPhase } from '../../functions/customization/purge-store.ts';
import type { MetaJob, StoredField, StoredObject } from '../../functions/metadata/items.ts';
import type { StoredRecord } from '../../functions/records/entity.ts';
import type { RecordPurge } from '../../functions/records/purging.ts';

/**
 * The purge job's walk against an in-memory store with the DynamoDB store's conditions
 * (functions/customization/purge-store.ts): a crash between a record's clear and the page's checkpoint, two
 * workers on one job (a duplicate delivery), and a record changed under the worker. Whatever happens, every
 * record ends without the value and each is counted once.
 */
const at = '2026-12-01T08:00:00.000Z';
const l = (en: string) => ({ en, 'zh-CN': en });
const field = (apiName: string, more: Partial<StoredField> = {}): StoredField => ({
  apiName, type: 'number', label: l(apiName), required: false, unique: false, searchable: false, active: true, custom: true,
  object: 'c_things', createdAt: at, createdBy: 'adm', updatedAt: at, updatedBy: 'adm', ...more,
});
const object: StoredObject = {
  apiName: 'c_things', recordType: 'c_things', label: l('Thing'), labelPlural: l('Things'), icon: 'box', nameField: 'c_name', searchable: true,
  custom: true, active: true, createdAt: at, createdBy: 'adm', updatedAt: at, updatedBy: 'adm',
};

class MemoryPurgeStore implements PurgeStore {
  job_: MetaJob;
  records = new Map<string, StoredRecord>();
  index = new Set<string>();
  version = 5;
  fieldDeleted = false;
  clears = 0;
  crashAfterClears?: number;
  /** Called before a record's clear is applied (a concurrent write). */
  beforeClear?: (r: StoredRecord) => void;
  constructor(n: number, pageSize: number) {
    this.job_ = { id: 'J1', kind: 'field-purge', object: 'c_things', field: 'c_level', status: 'queued', examined: 0, cleared: 0, pageSize, phase: 'live', step: 0, requestedAt: '2026-12-01T07:00:00.000Z', requestedBy: 'adm' };
    for (let i = 0; i < n; i++) {
      const id = `R${String(i).padStart(3, '0')}`;
      this.records.set(id, { id, name: id, ownerId: 'u', version: 1, createdAt: at, createdBy: 'u', updatedAt: at, updatedBy: 'u', c_name: id, c_level: i, ...(i % 5 === 4 ? { deletedAt: at } : {}) });
      if (i % 5 !== 4) this.index.add(`c_level|${i}`);
    }
  }
  async job() {
    return structuredClone(this.job_);
  }
  async start() {
    if (this.job_.status === 'queued') this.job_ = { ...this.job_, status: 'running', startedAt: this.job_.startedAt ?? at };
    return structuredClone(this.job_);
  }
  async page(_t: string, _type: string, phase: WalkPhase, cursor: Record<string, string> | undefined, limit: number) {
    const ids = [...this.records.values()].filter((r) => Boolean(r.deletedAt) === (phase === 'trash')).map((r) => r.id).sort();
    const after = cursor ? ids.filter((id) => id > cursor.sk!) : ids;
    const taken = after.slice(0, limit);
    return { records: taken.map((id) => structuredClone(this.records.get(id)!)), ...(taken.length === limit ? { last: { sk: taken.at(-1)! } } : {}) };
  }
  async record(_t: string, _type: string, id: string) {
    return structuredClone(this.records.get(id));
  }
  async clear(_t: string, _type: string, _job: string, f: string, record: StoredRecord, plan: RecordPurge) {
    this.beforeClear?.(this.records.get(record.id)!);
    const stored = this.records.get(record.id)!;
    if (stored.version !== record.version || (plan.hadValue && stored[f] === undefined)) return false;
    delete stored[f];
    for (const e of plan.indexRemoved) this.index.delete(`${e.field}|${String(record[f])}`);
    if (plan.hadValue) this.job_.cleared++;
    this.clears++;
    if (this.clears === this.crashAfterClears) throw new Error('crash: the process died here');
    return true;
  }
  async leftoverIndex() {
    return [];
  }
  async deleteIndex() {}
  async checkpoint(_t: string, job: MetaJob, next: Pick<MetaJob, 'phase' | 'cursor' | 'examined'>) {
    if (job.step !== this.job_.step || this.job_.status !== 'running') return false;
    this.job_ = { ...this.job_, phase: next.phase, examined: next.examined, step: job.step + 1 };
    if (next.cursor) this.job_.cursor = next.cursor;
    else delete this.job_.cursor;
    return true;
  }
  async metadataVersion() {
    return this.version;
  }
  async finish(_t: string, job: MetaJob, version: number) {
    if (job.step !== this.job_.step || this.job_.status !== 'running' || this.fieldDeleted) return 'job-moved' as const;
    if (version !== this.version) return 'version-moved' as const;
    this.job_ = { ...this.job_, status: 'done', finishedAt: at, step: job.step + 1 };
    this.fieldDeleted = true;
    this.version++;
    return 'done' as const;
  }
  async fail(_t: string, _id: string, _at: string, error: string) {
    this.job_ = { ...this.job_, status: 'failed', error };
  }
}

function depsOf(store: MemoryPurgeStore): PurgeDeps {
  let seq = 0;
  return {
    store,
    // The field is purging for J1 until the store deleted it.
    registry: { reload: async () => ({ version: store.version, objects: [object], fields: store.fieldDeleted ? [field('c_name', { type: 'text' })] : [field('c_name', { type: 'text' }), field('c_level', { active: false, state: 'purging', purgeJobId: 'J1' })] }) },
    clock: () => new Date('2026-12-01T08:00:00.000Z'),
    newId: () => `ID${++seq}`,
    sleep: async () => {},
  };
}

const left = (s: MemoryPurgeStore) => [...s.records.values()].filter((r) => r.c_level !== undefined).map((r) => r.id);

describe('the purge job', () => {
  it('walks live records then the trash in pages, and counts each record once', async () => {
    const store = new MemoryPurgeStore(23, 4);
    expect(await runPurge('demo', 'J1', depsOf(store))).toBe('done');
    expect(store.job_).toMatchObject({ status: 'done', examined: 23, cleared: 23 });
    expect(left(store)).toEqual([]);
    expect(store.index.size).toBe(0);
    // Delivered again: nothing to do.
    expect(await runPurge('demo', 'J1', depsOf(store))).toBe('already-done');
    expect(store.job_).toMatchObject({ examined: 23, cleared: 23 });
  });

  it('resumes after a crash mid-page at the last checkpoint: the page is read again, nothing counted twice', async () => {
    const store = new MemoryPurgeStore(23, 4);
    store.crashAfterClears = 7; // inside the second page, after its checkpoint-less clears
    await expect(runPurge('demo', 'J1', depsOf(store))).rejects.toThrow(/crash/);
    expect(store.job_).toMatchObject({ status: 'running', examined: 4, cleared: 7 });
    store.crashAfterClears = undefined;
    expect(await runPurge('demo', 'J1', depsOf(store))).toBe('done');
    expect(store.job_).toMatchObject({ status: 'done', examined: 23, cleared: 23 });
    expect(left(store)).toEqual([]);
  });

  it('lets two workers on one job (a duplicate delivery) finish it together with exact counts', async () => {
    const store = new MemoryPurgeStore(40, 3);
    const outcomes = await Promise.all([runPurge('demo', 'J1', depsOf(store)), runPurge('demo', 'J1', depsOf(store))]);
    expect(outcomes.sort()).toEqual(['already-done', 'done']);
    expect(store.job_).toMatchObject({ status: 'done', examined: 40, cleared: 40 });
    expect(left(store)).toEqual([]);
  });

  it('reads a record changed under it again and clears it then (never overwrites the change)', async () => {
    const store = new MemoryPurgeStore(6, 10);
    let bumped = false;
    store.beforeClear = (r) => {
      if (r.id === 'R002' && !bumped) {
        bumped = true;
        r.version++;
        r.c_name = 'changed meanwhile';
      }
    };
    expect(await runPurge('demo', 'J1', depsOf(store))).toBe('done');
    expect(store.records.get('R002')).toMatchObject({ version: 2, c_name: 'changed meanwhile' });
    expect(store.records.get('R002')).not.toHaveProperty('c_level');
    expect(store.job_).toMatchObject({ examined: 6, cleared: 6 });
  });

  it('finishes on the metadata version it finds when an admin moved it meanwhile', async () => {
    const store = new MemoryPurgeStore(3, 10);
    const finish = store.finish.bind(store);
    let first = true;
    store.finish = async (...args) => {
      if (first) {
        first = false;
        store.version++;
      }
      return finish(...args);
    };
    expect(await runPurge('demo', 'J1', depsOf(store))).toBe('done');
    expect(store.version).toBe(7);
  });
});
