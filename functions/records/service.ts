import type * as z from 'zod/mini';
import { correlationId } from '#commons/observability.ts';
import { assertCatalogued, currentVersion } from '#contracts/events.ts';
import { assertCan, type Action, type Actor } from '../policy/policy.ts';
import type { Clock } from '#commons/clock.ts';
import { isId } from '#commons/ids.ts';
import { nameKey } from '#commons/keys.ts';
import {
  assertCanAssign, assertFieldsWritable, canSeeSensitive, redact, SENSITIVE_FIELDS,
} from '#commons/permissions.ts';
import { StaleVersion, conflict, invalid, notFound, type FieldError } from '#commons/errors.ts';
import { listQuery, pageQuery, type ListQuery } from '#schemas/common.ts';
import { canSeeView } from '../policy/policy.ts';
import { toE164 } from '#schemas/phone.ts';
import { toFieldIssues } from '#schemas/validation.ts';
import { sameEntry } from './search/entry.ts';
import { indexChange } from './list-index.ts';
import { fieldTypesOf, indexedFields, listFields, parseSort, parseWhere, whereParams, type RawClause } from './list-query.ts';
import { cleanToken, fieldTokens, nameTokens } from './search/tokenizer.ts';
import { SYSTEM_FIELDS, type EntityDefinition, type StoredRecord } from './entity.ts';
import { assertEntityLinksExist, assertRelationsExist, mergedRelationLimitErrors, parseWithRelations, relationLinkChanges, relationLinks } from './relations.ts';
import { purgedTokens, withoutPurging } from './purging.ts';
import { isCustomName } from '#schemas/metadata.ts';
import { listScope, visibility, type Visibility } from './visibility.ts';
import type { SharingSource } from '../metadata/sharing.ts';
import {
  assertCustomWritable, hideCustom, parseCustomValues, splitCustom, type CustomFieldSet, type CustomFieldSource,
} from '../metadata/custom-fields.ts';
import {
  ChangeTooLarge, InvalidCursor, UniqueConflict, VersionConflict,
  type AuditEntry, type ChangeSet, type DomainEvent, type Page, type RecordStore, type TimelineEntry,
} from './store.ts';

/**
 * The record service: create, read, list, change, soft-delete and restore a record with its audit entry,
 * timeline entries and domain event. Pure apart from the injected store, clock and id source.
 */
export interface RecordDeps {
  readonly store: RecordStore;
  readonly clock: Clock;
  readonly newId: (now: Date) => string;
  /** The tenant's custom fields (functions/metadata); without it every `c_` field is an unknown field. */
  readonly metadata?: CustomFieldSource;
  /** The tenant's record visibility settings (functions/metadata/sharing.ts); without it the policy's defaults. */
  readonly sharing?: SharingSource;
}

type Fields = Record<string, unknown>;

export function parse<T>(schema: z.ZodMiniType<T>, input: unknown): T {
  const result = schema.safeParse(input ?? {});
  if (!result.success) throw invalid(toFieldIssues(result.error.issues));
  return result.data;
}

/** The object's custom fields (one cached lookup per container and metadata version), if the deps have a source. */
const customFieldsOf = (def: EntityDefinition, p: Actor, deps: RecordDeps): Promise<CustomFieldSet | undefined> =>
  deps.metadata ? deps.metadata.customFields(p.tenantId, def.type) : Promise.resolve(undefined);

/**
 * Parses a record body and converts its phones, reporting every bad field in one answer: the standard fields
 * by the entity's schema, the `c_` fields by the schema compiled from the tenant's metadata.
 */
function parseRecordInput(def: EntityDefinition, schema: z.ZodMiniType<Record<string, unknown>>, body: unknown, country?: unknown, custom?: CustomFieldSet): Fields {
  const split = splitCustom(body);
  const result = schema.safeParse(split.standard ?? {});
  const customResult = parseCustomValues(custom, split.custom, 'create');
  const raw = (body && typeof body === 'object' ? body : {}) as Fields;
  const phones: Fields = { country: typeof raw.country === 'string' ? raw.country : country };
  for (const f of def.phoneFields) if (typeof raw[f] === 'string') phones[f] = raw[f];
  const phoneErrors = normalisePhones(def, phones);
  if (!result.success) {
    const issues = toFieldIssues(result.error.issues);
    throw invalid([...issues, ...phoneErrors.filter((e) => !issues.some((i) => i.path === e.path) && !customResult.errors.some((c) => c.path === e.path)), ...customResult.errors]);
  }
  // A custom phone field is checked by its compiled rule (E.164, as in the browser): one error per field.
  if (phoneErrors.length || customResult.errors.length) throw invalid([...phoneErrors.filter((e) => !customResult.errors.some((c) => c.path === e.path)), ...customResult.errors]);
  const fields: Fields = { ...result.data, ...customResult.values };
  for (const f of def.phoneFields) if (typeof fields[f] === 'string') fields[f] = phones[f];
  return fields;
}

/** A PATCH body: standard fields by the entity's update schema, `c_` fields by the compiled one; every error at once. */
function parseRecordPatch(def: EntityDefinition, body: unknown, custom?: CustomFieldSet): Fields {
  const split = splitCustom(body);
  const result = def.updateSchema.safeParse(split.standard ?? {});
  const customResult = parseCustomValues(custom, split.custom, 'update');
  const errors = [...(result.success ? [] : toFieldIssues(result.error.issues)), ...customResult.errors];
  if (errors.length) throw invalid(errors);
  return { ...result.data, ...customResult.values };
}

export const etag = (version: number) => `"${version}"`;

/** If-Match holds when absent, `*`, or naming the current version (weak or strong form). */
export function ifMatchHolds(ifMatch: string | undefined, version: number): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '' || ifMatch.trim() === '*') return true;
  return ifMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '').replace(/"/g, '') === String(version));
}

/** Server-set fields over a record's: an undefined value removes the field (a reopened deal's `closedAt`). */
function setFields(target: Fields, derived: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(derived)) {
    if (v === undefined) delete target[k];
    else target[k] = v;
  }
}

const actorOf = (p: Actor): DomainEvent['actor'] => ({ id: p.userId, name: p.name, ...(p.kind === 'system' ? { kind: 'system' as const } : {}) });

function normalisePhones(def: EntityDefinition, fields: Fields): FieldError[] {
  const errors: FieldError[] = [];
  for (const f of def.phoneFields) {
    const value = fields[f];
    if (typeof value !== 'string') continue;
    const e164 = toE164(value, typeof fields.country === 'string' ? fields.country : undefined);
    if (e164) fields[f] = e164;
    else errors.push({ path: f, message: 'Cannot convert to an international number; include the country code, e.g. +86 138 0013 8000', code: 'invalid_phone' });
  }
  return errors;
}

function uniqueValues(def: EntityDefinition, fields: Fields): { field: string; value: string }[] {
  if (def.uniqueWhen && !def.uniqueWhen(fields)) return [];
  return def.uniqueFields
    .filter((f) => typeof fields[f] === 'string' && fields[f] !== '')
    .map((f) => ({ field: f, value: (fields[f] as string).toLowerCase() }));
}

/**
 * Search tokens are written as items in the same transaction as the record (one per token, each carrying
 * the record's id and display fields, functions/records/search/entry.ts), and DynamoDB allows 100 items and 4 MB per
 * transaction: so a field gives at most
 * MAX_TOKENS_PER_FIELD tokens and a record at most MAX_TOKENS_PER_RECORD, whatever its values look like
 * (an email with 120 dots). The most useful tokens come first, so the cap only drops the least useful.
 */
export const MAX_TOKENS_PER_FIELD = 8;
export const MAX_TOKENS_PER_RECORD = 24;

/**
 * Prefix-search tokens: the whole name, each word of it and the words, character pairs and characters of its
 * Chinese text (functions/records/search/tokenizer.ts), then the declared search fields: emails by address, domain
 * and local-name parts, phones by their digits and the last four or more digits of the national number;
 * then, each within a budget of its own, the parent's name (a contact's company) and searchable custom fields.
 * At most MAX_TOKENS_PER_RECORD + MAX_PARENT_TOKENS_PER_RECORD + MAX_CUSTOM_TOKENS_PER_RECORD (36).
 */
export function searchTokens(def: EntityDefinition, record: Fields, custom: readonly CustomSearchField[] = []): string[] {
  const tokens = new Set<string>();
  let cap = MAX_TOKENS_PER_RECORD;
  const addField = (candidates: Iterable<string>, perField = MAX_TOKENS_PER_FIELD) => {
    let taken = 0;
    for (const t of candidates) {
      if (taken >= perField || tokens.size >= cap) return;
      const clean = cleanToken(t);
      if (clean && !tokens.has(clean)) {
        tokens.add(clean);
        taken++;
      }
    }
  };
  const name = nameKey(String(record.name ?? ''));
  addField(nameTokens(name));
  for (const f of def.searchFields) {
    const v = record[f];
    if (typeof v !== 'string' || !v) continue;
    addField(fieldTokens(v, def.phoneFields.includes(f)));
  }
  // The parent's name (a contact's account) has a budget of its own too: its whole name and first words.
  const parentName = def.parent && def.searchParentName ? record[def.parent.nameField] : undefined;
  if (typeof parentName === 'string' && parentName) {
    cap = tokens.size + MAX_PARENT_TOKENS_PER_RECORD;
    addField(nameTokens(nameKey(parentName)));
  }
  // Searchable custom fields have a budget of their own, so a long name or email cannot crowd them out.
  cap = tokens.size + MAX_CUSTOM_TOKENS_PER_RECORD;
  for (const f of custom) {
    const v = record[f.apiName];
    if (typeof v !== 'string' || !v) continue;
    addField(fieldTokens(v, f.phone));
  }
  // An entity's own words (an article's keywords and the words its text is about) have a budget of their own.
  if (def.searchWords) {
    cap = tokens.size + MAX_WORD_TOKENS_PER_RECORD;
    addField(def.searchWords(record), MAX_WORD_TOKENS_PER_RECORD);
  }
  return [...tokens];
}

/**
 * Tokens of an entity's `searchWords`, past the others. With the name's (8) and custom fields' (8) a record
 * has at most 24 + 8 + 16 tokens, so a change rewriting all of them still fits one transaction.
 */
export const MAX_WORD_TOKENS_PER_RECORD = 16;

/** Tokens of searchable custom fields, past the standard ones (a standard object's record; issue 7). */
export const MAX_CUSTOM_TOKENS_PER_RECORD = 8;
/**
 * Tokens of the parent's name on a record that searches it (`searchParentName`: a contact's account), past
 * its own: the whole name, then its words (Latin words, Chinese words: 上海示例科技 → 上海示例科技, 上海, 示例,
 * 科技). Four, not eight: the pairs and single characters of a company name find its account already, and
 * each token is one more item on every create and rename of every contact at it.
 */
export const MAX_PARENT_TOKENS_PER_RECORD = 4;
const TOKENIZED_TYPES = new Set(['text', 'email', 'phone', 'url']);
export interface CustomSearchField { readonly apiName: string; readonly phone: boolean }

/**
 * The custom fields whose values are search tokens, beyond the entity's own search fields: searchable text,
 * email, phone and URL fields. `all` includes deactivated ones, for the tokens to remove (a deactivated
 * field's old tokens go with the record's next change); `active` only the live ones, for the tokens to write.
 */
export function customSearchFields(def: EntityDefinition, custom: CustomFieldSet | undefined, which: 'active' | 'all'): CustomSearchField[] {
  if (!custom) return [];
  return custom.fields
    .filter((f) => f.searchable && TOKENIZED_TYPES.has(f.type) && (which === 'all' || f.active) && !def.searchFields.includes(f.apiName) && f.apiName !== 'name')
    .map((f) => ({ apiName: f.apiName, phone: f.type === 'phone' }));
}

const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])];

/**
 * The search tokens left by values of purging fields that a write strips (functions/records/purging.ts):
 * a purging field is no longer active, so the new tokens the write computes leave its tokens out; these are
 * the ones its value may have written. `keep`: the tokens the record keeps.
 */
function purgingTokens(def: EntityDefinition, custom: CustomFieldSet | undefined, current: Fields, keep: readonly string[]): string[] {
  return withoutPurging(custom, current).stripped.flatMap((f) => purgedTokens(f, current[f.apiName], keep));
}

/** How a typed query is matched against tokens: phones by digits, the rest lower-cased. */
export function searchPrefix(q: string): string {
  const trimmed = q.normalize('NFKC').trim();
  if (/^[+\d\s().-]+$/.test(trimmed) && /\d/.test(trimmed)) return trimmed.replace(/\D/g, '');
  return nameKey(trimmed).replace(/#/g, '');
}

function systemFree(record: Fields): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(record)) if (!(SYSTEM_FIELDS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

function changedFields(before: Fields, after: Fields): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((k) => !(SYSTEM_FIELDS as readonly string[]).includes(k))
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .sort();
}

function pick(record: Fields, fields: readonly string[]): Fields {
  const out: Fields = {};
  for (const f of fields) if (record[f] !== undefined) out[f] = record[f];
  return out;
}

function withoutSensitive(type: string, record: Fields): Fields {
  const copy = { ...record };
  for (const f of SENSITIVE_FIELDS[type] ?? []) delete copy[f];
  return copy;
}

/**
 * The record with this id, or 404. An id that cannot exist (too long for a key, odd characters) is a 404
 * without a read, so no caller's id ever reaches DynamoDB unchecked. A record the caller may not read (record
 * visibility, CD-7) is the same 404, word for word, as one of another tenant.
 */
export async function loadRecord(def: Pick<EntityDefinition, 'type'>, p: Actor, id: string, deps: RecordDeps, vis: Visibility = visibility(p, deps)): Promise<StoredRecord> {
  const record = isId(id) ? await deps.store.get(p.tenantId, def.type, id) : undefined;
  if (!record || !(await vis.can('record:read', def.type, record))) throw notFound(`No ${def.type} with id ${isId(id) ? id : '(invalid)'}.`);
  return record;
}

/** A record the caller may read (else 404) and change (else 403). */
export async function loadForWrite(def: EntityDefinition, p: Actor, id: string, deps: RecordDeps, action: Action = 'record:update'): Promise<StoredRecord> {
  const vis = visibility(p, deps);
  const current = await loadRecord(def, p, id, deps, vis);
  assertCan(p, action, await vis.resource(def.type, current));
  return current;
}

/**
 * Checks that `p` may give a record to `ownerId` and that the owner is in the tenant's directory; throws a
 * 400/403 naming ownerId otherwise. Reads only; call it before writing anything.
 */
export async function resolveOwner(p: Actor, ownerId: unknown, deps: RecordDeps): Promise<void> {
  if (ownerId === undefined) return;
  if (!isId(ownerId)) throw invalid([{ path: 'ownerId', message: 'Expected a user id', code: 'invalid_id' }]);
  if (ownerId === p.userId) return;
  if (ownerId.startsWith('queue:')) return; // a shared queue (unassigned leads), not a person
  assertCanAssign(p, ownerId);
  const user = await deps.store.getUser(p.tenantId, ownerId);
  if (!user) throw invalid([{ path: 'ownerId', message: 'No such user in this workspace', code: 'unknown_user' }]);
}

/** Checks the parent link and copies its name; returns the parent's display name. */
async function resolveParent(def: EntityDefinition, p: Actor, fields: Fields, deps: RecordDeps): Promise<void> {
  if (!def.parent) return;
  const parentId = fields[def.parent.field];
  if (typeof parentId !== 'string') {
    delete fields[def.parent.nameField];
    return;
  }
  const parent = isId(parentId) ? await deps.store.get(p.tenantId, def.parent.type, parentId) : undefined;
  // A parent the caller may not read is no more there than another tenant's.
  if (!parent || parent.deletedAt || !(await visibility(p, deps).can('record:read', def.parent.type, parent))) {
    throw invalid([{ path: def.parent.field, message: `No such ${def.parent.type}`, code: 'unknown_reference' }]);
  }
  fields[def.parent.nameField] = parent.name;
}

function linkSummary(def: EntityDefinition, record: StoredRecord): Fields {
  return pick(record, ['id', 'name', 'ownerId', ...(def.linkFields ?? [])]);
}

async function commit(def: EntityDefinition, p: Actor, change: ChangeSet, deps: RecordDeps, before?: StoredRecord): Promise<void> {
  // Aggregates move with the record in its transaction: its contribution as it is live after minus before.
  if (def.aggregates) {
    const deltas = def.aggregates(before && !before.deletedAt ? before : undefined, change.record.deletedAt ? undefined : change.record);
    if (deltas.length) change = { ...change, aggregates: deltas };
  }
  try {
    await deps.store.commit(change);
  } catch (error) {
    if (error instanceof UniqueConflict) {
      const existing = await deps.store.get(p.tenantId, def.type, error.existingId);
      throw conflict(`A ${def.type} with this ${error.field} already exists: ${existing?.name ?? error.existingId}.`, {
        errors: [{ path: error.field, message: `Already used by ${existing?.name ?? error.existingId}`, code: 'duplicate' }],
        existingId: error.existingId,
        existingName: existing?.name,
        existingDeleted: Boolean(existing?.deletedAt),
      });
    }
    if (error instanceof VersionConflict) {
      const current = await deps.store.get(p.tenantId, def.type, change.record.id);
      throw staleVersion(def, p, current);
    }
    if (error instanceof ChangeTooLarge) {
      throw invalid([{ path: '', message: error.message, code: 'too_large' }], `This ${def.type} is too large to save in one change.`);
    }
    throw error;
  }
}

function staleVersion(def: EntityDefinition, p: Actor, current: StoredRecord | undefined) {
  if (!current) return notFound(`No ${def.type} with id.`);
  return new StaleVersion(
    `This ${def.type} was changed by someone else (now version ${current.version}). Reload it and apply your change again.`,
    current.version,
    redact(p, def.type, current),
  );
}

function event(def: EntityDefinition, p: Actor, verb: string, record: StoredRecord, now: Date, deps: RecordDeps, changes?: string[]): DomainEvent {
  // Only catalogued events reach the outbox (contracts/events.ts); each carries its name and version.
  const name = `${def.eventPrefix ?? def.type}.${verb}`;
  assertCatalogued(name);
  return {
    eventId: deps.newId(now),
    name,
    version: currentVersion(name),
    ...(correlationId() ? { correlationId: correlationId() } : {}),
    tenantId: p.tenantId,
    occurredAt: now.toISOString(),
    actor: actorOf(p),
    subject: { type: def.type, id: record.id },
    ...(changes ? { changes } : {}),
    data: withoutSensitive(def.type, record),
  };
}

function audit(def: EntityDefinition, p: Actor, action: AuditEntry['action'], id: string, now: Date, deps: RecordDeps, before?: Fields, after?: Fields): AuditEntry {
  return {
    id: deps.newId(now), at: now.toISOString(), action,
    actor: { id: p.userId, name: p.name, email: p.kind === 'system' ? '' : p.email },
    recordType: def.type, recordId: id,
    ...(before ? { before } : {}), ...(after ? { after } : {}),
  };
}

function timeline(type: TimelineEntry['type'], p: Actor, now: Date, deps: RecordDeps, extra: Partial<TimelineEntry> = {}): TimelineEntry {
  return { id: deps.newId(now), at: now.toISOString(), type, actor: actorOf(p), ...extra };
}

/** The agenda item a change puts and the one it removes (EntityDefinition.agenda); a record not live has none. */
function agendaChange(def: EntityDefinition, before: Fields | undefined, after: Fields | undefined): Pick<ChangeSet, 'agendaPut' | 'agendaRemoved'> {
  if (!def.agenda) return {};
  const old = before && !before.deletedAt ? def.agenda(before) : undefined;
  const next = after && !after.deletedAt ? def.agenda(after) : undefined;
  return { ...(next ? { agendaPut: next } : {}), ...(old ? { agendaRemoved: { ownerId: old.ownerId, at: old.at } } : {}) };
}

/** Whether the actor may read a record (a link's target must be one they can see). */
const canRead = (p: Actor, deps: RecordDeps) => {
  const vis = visibility(p, deps);
  return (type: string, r: StoredRecord) => vis.can('record:read', type, r);
};

/** The entity's entries on other records' timelines for this change (EntityDefinition.relatedTimeline). */
function relatedEntries(def: EntityDefinition, p: Actor, now: Date, deps: RecordDeps, before: Fields | undefined, after: StoredRecord): ChangeSet['timeline'] {
  return (def.relatedTimeline?.(before, after) ?? []).map(({ type, id, entryType, data }) => ({
    type, id, entry: timeline(entryType, p, now, deps, { subject: { type: def.type, id: after.id, name: after.name }, ...data }),
  }));
}

/** Creation extras for workflows: server-set fields, an idempotency record, extra timeline entries. */
export interface CreateOptions {
  readonly systemFields?: Record<string, unknown>;
  readonly idempotency?: (record: StoredRecord) => ChangeSet['idempotency'];
  /** Entries on other records' timelines, given the new record (e.g. "submitted again" on the original). */
  readonly extraTimeline?: (record: StoredRecord) => ChangeSet['timeline'];
  readonly timelineData?: Record<string, unknown>;
  readonly counters?: ChangeSet['counters'];
  /** The new record's id when a retried step must find what an earlier attempt wrote (see derivedId). */
  readonly id?: string;
  /** Event verb (default `created`), e.g. `assigned` for a lead entered with its owner. */
  readonly verb?: string;
  /** The tenant sequence value this record takes (a ticket's number): see ChangeSet.sequence. */
  readonly sequence?: ChangeSet['sequence'];
  /** History entries the new record starts with (a ticket's first message, from the email that opened it). */
  readonly history?: ChangeSet['history'];
  /** Email references written with it (see ChangeSet.mailRefs). */
  readonly mailRefs?: ChangeSet['mailRefs'];
}

export async function createRecord(def: EntityDefinition, p: Actor, body: unknown, deps: RecordDeps, options: CreateOptions = {}): Promise<StoredRecord> {
  assertCan(p, 'record:create', { type: def.type });
  const custom = await customFieldsOf(def, p, deps);
  const input = await parseWithRelations(() => parseRecordInput(def, def.createSchema, body, undefined, custom), custom, p, body, deps);
  assertFieldsWritable(p, def.type, Object.keys(input));
  assertCustomWritable(custom, p, Object.keys(input));
  const fields: Fields = { ...def.defaults, ...input, ...def.createDefaults, ...options.systemFields };
  const now = deps.clock();
  const at = now.toISOString();
  if (def.derive) setFields(fields, def.derive(undefined, fields, at));
  const newErrors = def.validateNew?.(fields) ?? [];
  if (newErrors.length) throw invalid(newErrors);
  await resolveOwner(p, fields.ownerId, deps);
  await resolveParent(def, p, fields, deps);
  await assertRelationsExist(custom, p, fields, deps);
  await assertEntityLinksExist(def, p, fields, undefined, deps, canRead(p, deps));

  const record: StoredRecord = {
    ...fields,
    id: options.id ?? deps.newId(now),
    name: def.displayName(fields),
    ownerId: typeof fields.ownerId === 'string' ? fields.ownerId : p.userId,
    version: 1,
    createdAt: at, createdBy: p.userId, updatedAt: at, updatedBy: p.userId,
  };
  const entries: ChangeSet['timeline'] = [
    { type: def.type, id: record.id, entry: timeline('created', p, now, deps, options.timelineData) },
    ...(options.extraTimeline?.(record) ?? []),
    ...relatedEntries(def, p, now, deps, undefined, record),
  ];
  const parentId = def.parent ? record[def.parent.field] : undefined;
  if (def.parent && typeof parentId === 'string') {
    entries.push({
      type: def.parent.type, id: parentId,
      entry: timeline(`${def.type}-linked`, p, now, deps, { subject: { type: def.type, id: record.id, name: record.name } }),
    });
  }
  await commit(def, p, {
    tenantId: p.tenantId, type: def.type, record,
    uniquesAdded: uniqueValues(def, record), uniquesRemoved: [],
    tokensPut: searchTokens(def, record, customSearchFields(def, custom, 'active')), tokensRemoved: [],
    ...indexChange(indexedFields(def.type, custom), undefined, record),
    timeline: entries,
    audit: audit(def, p, 'create', record.id, now, deps, undefined, systemFree(record)),
    event: event(def, p, options.verb ?? 'created', record, now, deps),
    ...(options.idempotency ? { idempotency: options.idempotency(record) } : {}),
    ...counterChange(options.counters ?? def.changeExtras?.({}, record).counters),
    ...(options.sequence ? { sequence: options.sequence } : {}),
    ...(def.parent && typeof parentId === 'string'
      ? { linkPut: { parentType: def.parent.type, parentId, summary: linkSummary(def, record) } }
      : {}),
    ...relationLinkChanges(def, custom, undefined, record),
    ...(def.history || options.history ? { history: [...(def.history?.(undefined, record, at, actorOf(p)) ?? []), ...(options.history ?? [])] } : {}),
    ...(options.mailRefs?.length ? { mailRefs: options.mailRefs } : {}),
    ...agendaChange(def, undefined, record),
  }, deps);
  return hideCustom(custom, p, redact(p, def.type, record));
}

export async function getRecord(def: EntityDefinition, p: Actor, id: string, deps: RecordDeps): Promise<StoredRecord> {
  const [record, custom] = await Promise.all([loadRecord(def, p, id, deps), customFieldsOf(def, p, deps)]);
  return hideCustom(custom, p, redact(p, def.type, record));
}

export async function updateRecord(
  def: EntityDefinition, p: Actor, id: string, body: unknown, ifMatch: string | undefined, deps: RecordDeps,
): Promise<StoredRecord> {
  const custom = await customFieldsOf(def, p, deps);
  const patch = await parseWithRelations(() => parseRecordPatch(def, body, custom), custom, p, body, deps);
  const current = await loadForWrite(def, p, id, deps);
  if (!ifMatchHolds(ifMatch, current.version)) throw staleVersion(def, p, current);
  if (current.deletedAt) throw conflict(`This ${def.type} is deleted; restore it before changing it.`);
  assertFieldsWritable(p, def.type, Object.keys(patch));
  assertCustomWritable(custom, p, Object.keys(patch));

  const merged: Fields = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete merged[k];
    else if (v !== undefined) merged[k] = v;
  }
  // Re-normalise only what the patch touched (or what depends on a changed country).
  const touched: Fields = {};
  for (const f of def.phoneFields) if (f in patch || 'country' in patch) touched[f] = merged[f];
  touched.country = merged.country;
  const errors = [
    ...normalisePhones(def, touched), ...(def.validateMerged?.(merged) ?? []), ...(def.validateChange?.(current, merged) ?? []),
    ...mergedRelationLimitErrors(custom, merged, patch),
  ];
  if (errors.length) throw invalid(errors);
  for (const f of def.phoneFields) if (touched[f] !== undefined) merged[f] = touched[f];

  if ('ownerId' in patch) {
    if (patch.ownerId === null) merged.ownerId = current.ownerId; // a record always has an owner
    else await resolveOwner(p, patch.ownerId, deps);
  }
  if (def.parent && def.parent.field in patch) await resolveParent(def, p, merged, deps);
  await assertRelationsExist(custom, p, patch, deps);
  await assertEntityLinksExist(def, p, merged, current, deps, canRead(p, deps));
  return hideCustom(custom, p, await commitChange(def, p, current, merged, deps));
}

/** Workflow-specific parts of a change: its event and timeline names, extra entries and side writes. */
export interface ChangeOptions {
  /** Event verb, e.g. `assigned` → `lead.assigned` (default `updated`). */
  readonly verb?: string;
  /** Timeline entry type on the record (default `updated`). */
  readonly timelineType?: string;
  /** Extra data on the record's timeline entry (an activity's notes, ...). */
  readonly timelineData?: Record<string, unknown>;
  /** Extra data on the domain event. */
  readonly eventData?: Record<string, unknown>;
  readonly counters?: ChangeSet['counters'];
  readonly extraTimeline?: ChangeSet['timeline'];
  /** Entries the change adds to the record's history series (a ticket's messages, kind `message`). */
  readonly history?: ChangeSet['history'];
  /** Email references written with the change (see ChangeSet.mailRefs). */
  readonly mailRefs?: ChangeSet['mailRefs'];
  /** Commit even when no field changed (e.g. a logged call on a lead already contacted). */
  readonly force?: boolean;
  /**
   * A workflow's internal step (e.g. claiming a lead for conversion): audited and version-checked, but no
   * timeline entry and no domain event, because nothing happened yet that anyone should react to.
   */
  readonly silent?: boolean;
}

/**
 * Commits `current` → `merged` with its audit entry, timeline entries, search/unique/link upkeep and event,
 * in one transaction conditioned on the version read. The one path every change of a record takes.
 */
export async function commitChange(
  def: EntityDefinition, p: Actor, current: StoredRecord, merged: Fields, deps: RecordDeps, options: ChangeOptions = {},
): Promise<StoredRecord> {
  const now = deps.clock();
  if (def.derive) setFields(merged, def.derive(current, merged, now.toISOString()));
  merged.name = def.displayName(merged);
  const implied = def.changeExtras?.(current, merged) ?? {};
  // What the caller says wins over what the entity implies (e.g. counters with an expected value).
  options = { ...implied, ...options };
  const custom = await customFieldsOf(def, p, deps);
  // A purging field's value leaves with this write (functions/records/purging.ts); it is no change of the caller's.
  merged = withoutPurging(custom, merged).record;
  const changes = changedFields(withoutPurging(custom, current).record, merged);
  // An account's or opportunity's name is its own field (a contact's is derived from first and last name).
  if (changes.length === 0 && merged.name !== current.name) changes.push('name');
  if (changes.length === 0 && !options.force) return redact(p, def.type, current);
  const id = current.id;

  const record: StoredRecord = {
    ...(merged as StoredRecord), id, version: current.version + 1, updatedAt: now.toISOString(), updatedBy: p.userId,
  };
  const oldTokens = searchTokens(def, current, customSearchFields(def, custom, 'all'));
  const newTokens = searchTokens(def, record, customSearchFields(def, custom, 'active'));
  const oldUniques = uniqueValues(def, current);
  const newUniques = uniqueValues(def, record);
  const sameUnique = (a: { field: string; value: string }) => (b: { field: string; value: string }) => a.field === b.field && a.value === b.value;

  const entries: ChangeSet['timeline'] = options.silent ? [] : [
    { type: def.type, id, entry: timeline(options.timelineType ?? 'updated', p, now, deps, { ...(changes.length ? { changes } : {}), ...options.timelineData }) },
    ...(options.extraTimeline ?? []),
    ...relatedEntries(def, p, now, deps, current, record),
  ];
  const ev = event(def, p, options.verb ?? 'updated', record, now, deps, changes);
  const change: ChangeSet = {
    tenantId: p.tenantId, type: def.type, record, expectedVersion: current.version,
    uniquesAdded: newUniques.filter((u) => !oldUniques.some(sameUnique(u))),
    uniquesRemoved: oldUniques.filter((u) => !newUniques.some(sameUnique(u))),
    // Token items carry the display fields: rewrite them all only when those changed, else add the new ones.
    tokensPut: sameEntry(def.type, current, record) ? newTokens.filter((t) => !oldTokens.includes(t)) : newTokens,
    tokensRemoved: union(oldTokens.filter((t) => !newTokens.includes(t)), purgingTokens(def, custom, current, newTokens)),
    ...indexChange(indexedFields(def.type, custom), current, record),
    timeline: entries,
    audit: audit(def, p, 'update', id, now, deps, pick(current, changes), pick(record, changes)),
    event: options.eventData ? { ...ev, data: { ...ev.data, ...options.eventData } } : ev,
    ...(options.silent ? { internal: true } : {}),
    ...(options.counters ? { counters: options.counters } : {}),
    ...relationLinkChanges(def, custom, current, record),
    ...(def.history || options.history ? { history: [...(def.history?.(current, record, now.toISOString(), actorOf(p)) ?? []), ...(options.history ?? [])] } : {}),
    ...(options.mailRefs?.length ? { mailRefs: options.mailRefs } : {}),
    ...agendaChange(def, current, record),
  };
  if (def.parent) {
    const before = current[def.parent.field];
    const after = record[def.parent.field];
    const subject = { type: def.type, id, name: record.name };
    if (before !== after) {
      if (typeof before === 'string') {
        entries.push({ type: def.parent.type, id: before, entry: timeline(`${def.type}-unlinked`, p, now, deps, { subject }) });
        change.linkRemoved = { parentType: def.parent.type, parentId: before };
      }
      if (typeof after === 'string') {
        entries.push({ type: def.parent.type, id: after, entry: timeline(`${def.type}-linked`, p, now, deps, { subject }) });
      }
    }
    if (typeof after === 'string') change.linkPut = { parentType: def.parent.type, parentId: after, summary: linkSummary(def, record) };
  }
  await commit(def, p, change, deps, current);
  return redact(p, def.type, record);
}

/** Soft delete: the record leaves lists and search but keeps its history and can be restored. */
export async function deleteRecord(def: EntityDefinition, p: Actor, id: string, ifMatch: string | undefined, deps: RecordDeps): Promise<void> {
  const current = await loadForWrite(def, p, id, deps, 'record:delete');
  if (!ifMatchHolds(ifMatch, current.version)) throw staleVersion(def, p, current);
  if (current.deletedAt) return;
  const now = deps.clock();
  const at = now.toISOString();
  const custom = await customFieldsOf(def, p, deps);
  const record: StoredRecord = withoutPurging(custom, { ...current, version: current.version + 1, updatedAt: at, updatedBy: p.userId, deletedAt: at, deletedBy: p.userId }).record;
  const parentId = def.parent ? current[def.parent.field] : undefined;
  await commit(def, p, {
    tenantId: p.tenantId, type: def.type, record, expectedVersion: current.version,
    uniquesAdded: [], uniquesRemoved: [],
    tokensPut: [], tokensRemoved: union(searchTokens(def, current, customSearchFields(def, custom, 'all')), purgingTokens(def, custom, current, [])),
    ...indexChange(indexedFields(def.type, custom), current, record),
    timeline: [{ type: def.type, id, entry: timeline('deleted', p, now, deps) }],
    audit: audit(def, p, 'delete', id, now, deps, { deletedAt: undefined }, { deletedAt: at }),
    event: event(def, p, 'deleted', record, now, deps),
    ...counterChange(def.changeExtras?.(current, record).counters),
    ...(def.parent && typeof parentId === 'string' ? { linkRemoved: { parentType: def.parent.type, parentId } } : {}),
    ...relationLinkChanges(def, await customFieldsOf(def, p, deps), current, undefined),
    ...agendaChange(def, current, undefined),
  }, deps, current);
}

export async function restoreRecord(def: EntityDefinition, p: Actor, id: string, deps: RecordDeps): Promise<StoredRecord> {
  const current = await loadForWrite(def, p, id, deps, 'record:restore');
  if (!current.deletedAt) return redact(p, def.type, current);
  const now = deps.clock();
  const { deletedAt, deletedBy: _deletedBy, ...rest } = current;
  const custom = await customFieldsOf(def, p, deps);
  const record: StoredRecord = withoutPurging(custom, { ...rest, version: current.version + 1, updatedAt: now.toISOString(), updatedBy: p.userId }).record;
  const tokens = searchTokens(def, record, customSearchFields(def, custom, 'active'));
  const parentId = def.parent ? record[def.parent.field] : undefined;
  const parentLive = def.parent && typeof parentId === 'string'
    ? Boolean(await deps.store.get(p.tenantId, def.parent.type, parentId).then((r) => r && !r.deletedAt))
    : false;
  await commit(def, p, {
    tenantId: p.tenantId, type: def.type, record, expectedVersion: current.version,
    uniquesAdded: [], uniquesRemoved: [],
    tokensPut: tokens, tokensRemoved: purgingTokens(def, custom, current, tokens),
    ...indexChange(indexedFields(def.type, custom), current, record),
    timeline: [{ type: def.type, id, entry: timeline('restored', p, now, deps) }],
    audit: audit(def, p, 'restore', id, now, deps, { deletedAt }, { deletedAt: undefined }),
    event: event(def, p, 'restored', record, now, deps),
    ...counterChange(def.changeExtras?.(current, record).counters),
    ...(def.parent && parentLive ? { linkPut: { parentType: def.parent.type, parentId: parentId as string, summary: linkSummary(def, record) } } : {}),
    ...(await liveRelationLinks(def, p, record, deps)),
    ...agendaChange(def, undefined, record),
  }, deps, current);
  return redact(p, def.type, record);
}

/** Directory counters the entity keeps (open leads, open tickets per person), when there are any. */
const counterChange = (counters: ChangeSet['counters'] | undefined): Pick<ChangeSet, 'counters'> => (counters?.length ? { counters } : {});

/** A restored record's relation links, to the records it points at that are still there. */
async function liveRelationLinks(def: EntityDefinition, p: Actor, record: StoredRecord, deps: RecordDeps): Promise<Pick<ChangeSet, 'linksPut'>> {
  const links = relationLinks(def, await customFieldsOf(def, p, deps), record);
  if (links.length === 0) return {};
  const live = await Promise.all(links.map((l) => deps.store.get(p.tenantId, l.parentType, l.parentId).then((r) => Boolean(r && !r.deletedAt))));
  return { linksPut: links.filter((_l, i) => live[i]) };
}

function pageArgs(query: unknown): { limit: number; cursor?: string } {
  const q = parse(pageQuery, query);
  return { limit: q.limit ? Number(q.limit) : 20, ...(q.cursor ? { cursor: q.cursor } : {}) };
}

async function paged<T>(run: () => Promise<Page<T>>): Promise<Page<T>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof InvalidCursor) throw invalid([{ path: 'cursor', message: 'Not a cursor this list gave out', code: 'invalid_cursor' }]);
    throw error;
  }
}

const LEGACY_SORTS = new Set(['name', '-name', 'createdAt', '-createdAt']);

/**
 * A list page: the entity's list query (q, ownerId, tag, status...), plus `where[<field>][<op>]=` clauses on
 * any field the caller may read, `sort=<field>,-<field>` and `view=<id>` (a saved view's where and sort; the
 * query's own clauses are added to it, its own sort replaces the view's). Every bad parameter in one 400.
 */
export async function listRecords(def: EntityDefinition, p: Actor, query: unknown, deps: RecordDeps): Promise<Page<StoredRecord>> {
  const input = (query && typeof query === 'object' ? query : {}) as Record<string, string | undefined>;
  const { clauses, errors, rest } = whereParams(input);
  const { view: viewId, sort: sortParam, ...others } = rest;
  const legacySort = sortParam !== undefined && LEGACY_SORTS.has(sortParam) ? sortParam : undefined;
  const result = (def.listQuery ?? listQuery).safeParse({ ...others, ...(legacySort ? { sort: legacySort } : {}) });
  if (!result.success) errors.push(...toFieldIssues(result.error.issues));
  const custom = await customFieldsOf(def, p, deps);
  const fields = listFields(def.type, p, custom, def.listOptions);

  let viewClauses: RawClause[] = [];
  let viewSort: string[] = [];
  if (viewId !== undefined) {
    const view = /^[0-9A-Za-z_-]{1,64}$/.test(viewId) ? await deps.store.savedView?.(p.tenantId, def.plural, viewId) : undefined;
    const visible = view && await viewVisible(p, view, deps);
    if (!view || !visible) errors.push({ path: 'view', message: 'No such view of this object', code: 'unknown_view' });
    else {
      viewClauses = Object.entries(view.where).flatMap(([field, ops]) => Object.entries(ops).map(([op, raw]) => ({ field, op, raw, path: `view.where.${field}.${op}` })));
      viewSort = view.sort;
    }
  }
  // The query's clause on a field and op replaces the view's.
  const own = new Set(clauses.map((c) => `${c.field}\u0000${c.op}`));
  const parsed = parseWhere([...viewClauses.filter((c) => !own.has(`${c.field}\u0000${c.op}`)), ...clauses], fields);
  errors.push(...parsed.errors);
  const sortKeys = sortParam !== undefined && !legacySort ? sortParam.split(',') : sortParam === undefined ? viewSort : [];
  const sort = sortKeys.length ? parseSort(sortKeys, fields, sortParam !== undefined ? 'sort' : 'view.sort') : { errors: [] };
  errors.push(...sort.errors);
  if (errors.length) throw invalid(errors);

  const q = result.data as ListQuery & Record<string, string | undefined>;
  const filters: Record<string, string> = {};
  for (const [param, attribute] of Object.entries(def.listFilters ?? {})) if (q[param]) filters[attribute] = q[param]!;
  const prefix = q.q ? searchPrefix(q.q) : undefined;
  // A query of nothing but `#` or spaces matches no token (and an empty key condition is not a query).
  if (prefix === '') return { items: [], nextCursor: null };
  // Record visibility: own → the owner list, team → `ownerId in` the team, another owner than allowed → empty.
  const vis = visibility(p, deps);
  const scope = await listScope(p, vis, def.type, q.ownerId);
  if (scope === 'none') return { items: [], nextCursor: null };
  const order = sort.order;
  const page = await paged(() => deps.store.list(p.tenantId, def.type, {
    ...(Object.keys(filters).length ? { filters } : {}),
    limit: q.limit ? Number(q.limit) : 20,
    ...(q.cursor ? { cursor: q.cursor } : {}),
    ...(prefix ? { q: prefix } : {}),
    ...scope,
    ...(q.tag ? { tag: q.tag } : {}),
    sort: (q.sort as ListQuery['sort']) ?? (order && (order.field === 'name' || order.field === 'createdAt') ? `${order.desc ? '-' : ''}${order.field}` as ListQuery['sort'] & string : 'name'),
    ...(order && order.field !== 'name' && order.field !== 'createdAt' ? { orderBy: order } : {}),
    deleted: q.deleted === 'true',
    // The caller's clauses and the visibility scope's (`ownerId in` the team) must all hold.
    ...(parsed.where.length || scope.where ? { where: [...(scope.where ?? []), ...parsed.where], fieldTypes: fieldTypesOf([...(scope.where ?? []), ...parsed.where], fields) } : {}),
    indexed: [...fields.values()].filter((f) => f.indexed).map((f) => f.apiName),
  }));
  const readable = await readableOnly(vis, def.type, page.items);
  return { items: readable.map((r) => hideCustom(custom, p, redact(p, def.type, r))), nextCursor: page.nextCursor };
}

/** What the caller may read of `items` (the list's scope already keeps to it; this is the policy's last word). */
async function readableOnly<T extends { ownerId?: unknown }>(vis: Visibility, type: string, items: readonly T[]): Promise<T[]> {
  const keep = await Promise.all(items.map((r) => vis.can('record:read', type, r)));
  return items.filter((_, i) => keep[i]);
}

/** May the caller apply this view? Team views read the owner's and the caller's directory entries. */
export async function viewVisible(p: Actor, view: { shared: 'private' | 'team' | 'all'; ownerId: string }, deps: Pick<RecordDeps, 'store'>): Promise<boolean> {
  if (view.shared !== 'team' || view.ownerId === p.userId || p.kind === 'system') return canSeeView(p, view);
  const [owner, me] = await Promise.all([deps.store.getUser(p.tenantId, view.ownerId), deps.store.getUser(p.tenantId, p.userId)]);
  return canSeeView(p, { ...view, ...(owner?.managerId ? { ownerManagerId: owner.managerId } : {}), ...(me?.managerId ? { readerManagerId: me.managerId } : {}) });
}

/** The 360° timeline, newest first, one Query per page. */
export async function recordTimeline(def: EntityDefinition, p: Actor, id: string, query: unknown, deps: RecordDeps): Promise<Page<TimelineEntry>> {
  const { limit, cursor } = pageArgs(query);
  await loadRecord(def, p, id, deps);
  return paged(() => deps.store.timeline(p.tenantId, def.type, id, limit, cursor));
}

/** The audit trail of one record; sensitive values are masked for those who may not see them. */
export async function recordAudit(def: EntityDefinition, p: Actor, id: string, query: unknown, deps: RecordDeps): Promise<Page<AuditEntry>> {
  const { limit, cursor } = pageArgs(query);
  await loadRecord(def, p, id, deps);
  const page = await paged(() => deps.store.audit(p.tenantId, def.type, id, limit, cursor));
  if (canSeeSensitive(p)) return page;
  const mask = (v?: Fields) => (v ? redact(p, def.type, v) : v);
  return { ...page, items: page.items.map((e) => ({ ...e, before: mask(e.before), after: mask(e.after) })) };
}

export async function childRecords(parent: Pick<EntityDefinition, 'type'>, childType: string, p: Actor, id: string, query: unknown, deps: RecordDeps) {
  const { limit, cursor } = pageArgs(query);
  const vis = visibility(p, deps);
  await loadRecord(parent, p, id, deps, vis);
  // Only this type's links (`CH#<type>#`): an account's contacts are not its opportunities.
  const page = await paged(() => deps.store.children(p.tenantId, parent.type, id, limit, cursor, childType));
  const readable = await readableOnly(vis, childType, page.items);
  return { items: readable.map((c) => redact(p, childType, c)), nextCursor: page.nextCursor };
}
