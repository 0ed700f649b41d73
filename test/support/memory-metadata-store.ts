import { MetadataMoved, type MetadataChange, type MetadataStore } from '../../functions/customization/store.ts';
import type { MetaJob, PurgedField, StoredField, StoredObject } from '../../functions/metadata/items.ts';
import type { TenantMetadata } from '../../functions/metadata/store.ts';

/**
 * The tenant metadata partition in memory, with the DynamoDB store's conditions
 * (functions/customization/store.ts): a change is refused (MetadataMoved) when the version moved, when it
 * creates what exists or changes what does not, when it touches a purging field it must not, or repeats a job.
 * Unit tests of the metadata and customization services use it; `loads`, `versionReads`, `changes` and
 * `published` let them assert what the services read and wrote.
 */
export class MemoryMetadataStore implements MetadataStore {
  fields = new Map<string, StoredField>();
  objects = new Map<string, StoredObject>();
  jobs = new Map<string, MetaJob>();
  /** Purged field names, by `object/field`: a name that was purged cannot be reused. */
  purgedNames = new Map<string, PurgedField>();
  ver = 0;
  loads = 0;
  versionReads = 0;
  changes: MetadataChange[] = [];
  published: unknown[] = [];

  async load(): Promise<TenantMetadata> {
    this.loads++;
    return { version: this.ver, fields: [...this.fields.values()].map((f) => structuredClone(f)), objects: [...this.objects.values()].map((o) => structuredClone(o)) };
  }
  async version(): Promise<number> {
    this.versionReads++;
    return this.ver;
  }
  async commit(c: MetadataChange): Promise<void> {
    const k = (f: StoredField) => `${f.object}/${f.apiName}`;
    if (c.expectedVersion !== this.ver) throw new MetadataMoved();
    if (c.object && c.object.isNew === this.objects.has(c.object.object.apiName)) throw new MetadataMoved();
    if (c.fields.some(({ field, isNew }) => isNew === this.fields.has(k(field)))) throw new MetadataMoved();
    if (c.fieldsNotPurging && c.fields.some(({ field }) => this.fields.get(k(field))?.state === 'purging')) throw new MetadataMoved();
    if (c.job && this.jobs.has(c.job.id)) throw new MetadataMoved();
    if (c.object) this.objects.set(c.object.object.apiName, structuredClone(c.object.object));
    for (const { field } of c.fields) this.fields.set(k(field), structuredClone(field));
    if (c.job) this.jobs.set(c.job.id, structuredClone(c.job));
    this.ver++;
    this.changes.push(c);
  }
  async job(_tenantId: string, id: string): Promise<MetaJob | undefined> {
    return structuredClone(this.jobs.get(id));
  }
  async publish(e: unknown): Promise<void> {
    this.published.push(e);
  }
  async purged(_tenantId: string, object: string, field: string): Promise<PurgedField | undefined> {
    return this.purgedNames.get(`${object}/${field}`);
  }
}
