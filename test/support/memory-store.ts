import type { StoredRecord } from '../../functions/records/entity.ts';
import {
  SequenceTaken, MailRefTaken, UniqueConflict, VersionConflict,
  type AuditEntry, type ChangeSet, type DirectoryUser, type HistoryEntry, type ListSpec, type Page, type RecordStore, type TimelineEntry,
} from '../../functions/records/store.ts';

/** An in-memory RecordStore for pure domain tests: keeps every committed ChangeSet for inspection. */
export class MemoryStore implements RecordStore {
  records = new Map<string, StoredRecord>();
  uniques = new Map<string, string>();
  users = new Map<string, DirectoryUser>();
  commits: ChangeSet[] = [];

  private k = (t: string, type: string, id: string) => `${t}/${type}/${id}`;

  async get(t: string, type: string, id: string) {
    const r = this.records.get(this.k(t, type, id));
    return r ? structuredClone(r) : undefined;
  }
  async getUser(t: string, id: string) {
    return this.users.get(`${t}/${id}`);
  }
  async directory(t: string) {
    return [...this.users.entries()].filter(([k]) => k.startsWith(`${t}/`)).map(([, u]) => structuredClone(u));
  }
  async uniqueOwner(t: string, type: string, field: string, value: string) {
    return this.uniques.get(`${t}/${type}/${field}/${value}`);
  }
  async commit(c: ChangeSet) {
    const key = this.k(c.tenantId, c.type, c.record.id);
    const current = this.records.get(key);
    if (c.expectedVersion === undefined ? current : current?.version !== c.expectedVersion) throw new VersionConflict();
    if (c.sequence && (this.sequences.get(`${c.tenantId}/${c.sequence.name}`) ?? 0) !== c.sequence.value - 1) throw new SequenceTaken();
    if (c.mailRefs?.some((m) => this.mailRefs.has(`${c.tenantId}/${m.messageIdHash}`))) throw new MailRefTaken();
    for (const u of c.uniquesAdded) {
      const owner = this.uniques.get(`${c.tenantId}/${c.type}/${u.field}/${u.value}`);
      if (owner) throw new UniqueConflict(u.field, owner);
    }
    for (const u of c.uniquesRemoved) this.uniques.delete(`${c.tenantId}/${c.type}/${u.field}/${u.value}`);
    for (const u of c.uniquesAdded) this.uniques.set(`${c.tenantId}/${c.type}/${u.field}/${u.value}`, c.record.id);
    this.records.set(key, structuredClone(c.record));
    if (c.sequence) this.sequences.set(`${c.tenantId}/${c.sequence.name}`, c.sequence.value);
    for (const m of c.mailRefs ?? []) this.mailRefs.set(`${c.tenantId}/${m.messageIdHash}`, m.ticketId);
    for (const a of c.aggregates ?? []) {
      const k = `${c.tenantId}/${a.scope}/${a.key}`;
      const item = this.aggregates.get(k) ?? { sk: a.key };
      for (const [f, v] of Object.entries(a.add)) item[f] = ((item[f] as number | undefined) ?? 0) + v;
      Object.assign(item, a.set);
      this.aggregates.set(k, item);
    }
    this.commits.push(structuredClone(c));
  }
  sequences = new Map<string, number>();
  mailRefs = new Map<string, string>();
  async sequenceValue(t: string, name: string) {
    return this.sequences.get(`${t}/${name}`) ?? 0;
  }
  /** Aggregate items by `<tenant>/<scope>/<key>`, as DynamoDB's ADD leaves them. */
  aggregates = new Map<string, Record<string, unknown>>();
  async aggregateItems(t: string, scope: string, prefix: string) {
    return [...this.aggregates.entries()].filter(([k]) => k.startsWith(`${t}/${scope}/${prefix}`)).map(([, v]) => structuredClone(v));
  }
  async history(t: string, type: string, id: string, kind: string, limit: number): Promise<HistoryEntry[]> {
    const all = this.commits.filter((c) => c.tenantId === t && c.type === type && c.record.id === id).flatMap((c) => c.history ?? []).filter((h) => h.kind === kind);
    return all.sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id)).slice(0, limit);
  }
  async list(t: string, type: string, spec: ListSpec): Promise<Page<StoredRecord>> {
    const items = [...this.records.entries()]
      .filter(([k, r]) => k.startsWith(`${t}/${type}/`) && Boolean(r.deletedAt) === spec.deleted)
      .map(([, r]) => r)
      .filter((r) => !spec.ownerId || r.ownerId === spec.ownerId);
    return { items: items.slice(0, spec.limit), nextCursor: null };
  }
  /** Entries put outside a change (putTimeline), by `<tenant>/<type>/<id>/<at>#<entry id>`. */
  copied = new Map<string, TimelineEntry>();
  async timeline(t: string, type: string, id: string): Promise<Page<TimelineEntry>> {
    const items = this.commits.flatMap((c) => c.timeline.filter((e) => c.tenantId === t && e.type === type && e.id === id).map((e) => e.entry));
    const copies = [...this.copied.entries()].filter(([k]) => k.startsWith(`${t}/${type}/${id}/`)).map(([, e]) => e);
    return { items: [...items, ...copies].sort((a, b) => a.at.localeCompare(b.at)).reverse(), nextCursor: null };
  }
  async putTimeline(t: string, entries: readonly { type: string; id: string; entry: TimelineEntry }[]) {
    for (const e of entries) this.copied.set(`${t}/${e.type}/${e.id}/${e.entry.at}#${e.entry.id}`, structuredClone(e.entry));
  }
  async audit(t: string, type: string, id: string): Promise<Page<AuditEntry>> {
    const items = this.commits.filter((c) => c.tenantId === t && c.type === type && c.record.id === id).map((c) => c.audit);
    return { items: items.reverse(), nextCursor: null };
  }
  async findByToken(t: string, type: string, token: string) {
    const values = (r: StoredRecord) => [r.name, r.email, r.phone, r.mobile].filter((v): v is string => typeof v === 'string');
    return [...this.records.entries()]
      .filter(([k, r]) => k.startsWith(`${t}/${type}/`) && !r.deletedAt)
      .map(([, r]) => r)
      .filter((r) => values(r).some((v) => v.toLowerCase() === token || v.replace(/^\+/, '') === token));
  }
  async children(): Promise<Page<Record<string, unknown>>> {
    return { items: [], nextCursor: null };
  }
}
