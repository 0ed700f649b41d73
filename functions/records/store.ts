import type { SavedView } from '#schemas/view.ts';
import type { StoredRecord } from './entity.ts';

/** One entry of a record's 360° timeline (CD-2). */
export interface TimelineEntry {
  id: string;
  at: string;
  type: 'created' | 'updated' | 'deleted' | 'restored' | 'contact-linked' | 'contact-unlinked' | string;
  actor: { id: string; name: string };
  changes?: string[];
  /** The other record an entry is about, e.g. the contact linked to an account. */
  subject?: { type: string; id: string; name: string };
  /** An entry copied from another record's timeline: where it was logged (a lead's call on its contact). */
  from?: { type: string; id: string; name: string };
}

/** Who changed what, with before/after (PLT-6). */
export interface AuditEntry {
  id: string;
  at: string;
  action: 'create' | 'update' | 'delete' | 'restore';
  actor: { id: string; name: string; email: string };
  recordType: string;
  recordId: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/** A domain event, stored in the outbox in the same transaction as the change it describes (rule 4). */
export interface DomainEvent {
  eventId: string;
  /** A catalogued event name (contracts/events.ts) and the version of its payload. */
  name: string;
  version: number;
  tenantId: string;
  occurredAt: string;
  actor: { id: string; name: string; kind?: 'system' };
  subject: { type: string; id: string };
  changes?: string[];
  /** Follows a request into the events it causes and the emails they send. */
  correlationId?: string;
  data: Record<string, unknown>;
}

/**
 * Numbers added to one aggregate item (`keys.aggregate(tenant, scope)`, sk `key`) in a change's transaction;
 * `set` holds the item's descriptive attributes (written with it, e.g. the period and owner).
 */
export interface AggregateDelta {
  scope: string;
  key: string;
  add: Record<string, number>;
  set: Record<string, string>;
}

/** One entry of a record's history series (`kind`, e.g. `stage`), newest read first. */
export interface HistoryEntry {
  kind: string;
  id: string;
  at: string;
  data: Record<string, unknown>;
}

/** Everything one change writes; the store commits it atomically or not at all. */
export interface ChangeSet {
  tenantId: string;
  type: string;
  record: StoredRecord;
  /** The version the stored record must still have; undefined when creating. */
  expectedVersion?: number;
  uniquesAdded: { field: string; value: string }[];
  uniquesRemoved: { field: string; value: string }[];
  /** Search tokens to (re)write with a copy of the record, and tokens to delete. */
  tokensPut: string[];
  tokensRemoved: string[];
  timeline: { type: string; id: string; entry: TimelineEntry }[];
  audit: AuditEntry;
  event: DomainEvent;
  /** A workflow's internal step (ChangeOptions.silent): the event is not written to the outbox. */
  internal?: boolean;
  /** A caller's idempotency key and the answer it got, written with the change (webhooks). */
  idempotency?: { scope: string; key: string; bodyHash: string; response: Record<string, unknown>; expiresAt: number };
  /** Atomic counters on user directory entries, e.g. open leads per owner for least-loaded assignment. */
  counters?: { userId: string; field: string; delta: number; /** the value read; the change fails if it moved */ expected?: number; /** the rep's shared-pool claims item instead of their directory entry */ claims?: boolean }[];
  /** The parent's child-list item for this record: written, or removed. */
  linkPut?: { parentType: string; parentId: string; summary: Record<string, unknown> };
  linkRemoved?: { parentType: string; parentId: string };
  /**
   * Relation links (custom `relation` fields): one item per record this one points at, in that record's
   * partition (`CH#<type>#<id>`), so its related list is one Query. Written and removed like `linkPut`.
   */
  linksPut?: { parentType: string; parentId: string; summary: Record<string, unknown> }[];
  linksRemoved?: { parentType: string; parentId: string }[];
  /** List-index items to write and to delete (only those whose value or name changed). */
  indexPut?: IndexEntry[];
  indexRemoved?: IndexEntry[];
  /** Aggregate items the change adds to (EntityDefinition.aggregates). */
  aggregates?: AggregateDelta[];
  /** History entries in the record's partition (EntityDefinition.history). */
  history?: HistoryEntry[];
  /** The record's agenda item (EntityDefinition.agenda): put, and the one it replaces removed. */
  agendaPut?: AgendaEntry;
  agendaRemoved?: Pick<AgendaEntry, 'ownerId' | 'at'>;
  /**
   * The tenant's sequence `name` moves to `value` with this change (a ticket's number): the change fails with
   * SequenceTaken when the sequence is not at `value - 1` any more, so a number is used once and none is skipped.
   */
  sequence?: { name: string; value: number };
  /**
   * Email references written with the change (an inbound mail taken into a ticket): each Message-ID, hashed,
   * now names the ticket. The change fails with MailRefTaken when one is stored already: that mail was taken in.
   */
  mailRefs?: { messageIdHash: string; ticketId: string }[];
}

/** An item on a user's agenda (`keys.agenda`): the record's id and what a calendar shows of it. */
export interface AgendaEntry { ownerId: string; at: string; summary: Record<string, unknown> }

/** A user of the tenant as the directory keeps them (functions/users/directory.ts reads and writes it). */
export interface DirectoryUser {
  id: string;
  email: string;
  name: string;
  role: string;
  language?: string;
  managerId?: string;
  /** Skipped by lead assignment while set. */
  away?: boolean;
  timeZone?: string;
  /** Open leads owned, kept by the lead transactions (least-loaded assignment). */
  openLeads?: number;
  /** Open tickets assigned, kept by the ticket transactions (a queue's least-open routing, SVC-1). */
  openTickets?: number;
  /** What the service desk routes by (a queue may need one of them). */
  skills?: string[];
  createdAt?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type WhereOp = 'eq'|'neq'|'in'|'gt'|'gte'|'lt'|'lte'|'contains'|'startsWith'|'isEmpty';
export interface WhereClause { readonly field: string; readonly op: WhereOp; readonly value?: string | number | boolean | readonly string[] }

/** One sort key of a list: a field, ascending unless `desc`. */
export interface SortKey { readonly field: string; readonly desc: boolean }

export interface ListSpec {
  limit: number;
  cursor?: string;
  q?: string;
  ownerId?: string;
  tag?: string;
  sort: 'name' | '-name' | 'createdAt' | '-createdAt';
  deleted: boolean;
  /** Equality filters on stored attributes. */
  filters?: Record<string, string>;
  /**
   * Clauses every listed record satisfies (`?where[field][op]=`, a saved view, record visibility). Values are
   * canonical: numbers as numbers (money: its amount), datetimes as ISO UTC strings, `in` as a string list.
   */
  where?: readonly WhereClause[];
  /** The order when it is not `sort` (a field with list-index items, functions/records/list-index.ts). */
  orderBy?: SortKey;
  /** Field types of the clauses' fields (how a record's value is compared); a field not named compares as text. */
  fieldTypes?: Readonly<Record<string, string>>;
  /** Fields that have list-index items (key conditions and index order); the rest are checked on the records. */
  indexed?: readonly string[];
}

/** A list-index item of a record: its field and sort key (functions/records/list-index.ts). */
export interface IndexEntry { readonly field: string; readonly sk: string }

export class VersionConflict extends Error {}
export class UniqueConflict extends Error {
  constructor(readonly field: string, readonly existingId: string) {
    super(`${field} already used by ${existingId}`);
  }
}
export class InvalidCursor extends Error {}
/** A change needs more items or bytes than one DynamoDB transaction holds (100 items, 4 MB). */
export class ChangeTooLarge extends Error {}
/** The idempotency key was used by a concurrent request that won. */
export class IdempotencyConflict extends Error {}
/** A counter moved between read and write (least-loaded assignment retries). */
export class CounterConflict extends Error {}
/** Another change took the sequence's next value first (read the sequence again and retry). */
export class SequenceTaken extends Error {}
/** An email reference of the change is stored already: the mail was taken in by an earlier attempt. */
export class MailRefTaken extends Error {}

/** The record store: the domain's only way to persist; DynamoRecordStore is the single-table adapter. */
export interface RecordStore {
  get(tenantId: string, type: string, id: string): Promise<StoredRecord | undefined>;
  getUser(tenantId: string, userId: string): Promise<DirectoryUser | undefined>;
  /** The tenant's whole directory (one Query): teams for record visibility, read once per request. */
  directory?(tenantId: string): Promise<DirectoryUser[]>;
  commit(change: ChangeSet): Promise<void>;
  list(tenantId: string, type: string, spec: ListSpec): Promise<Page<StoredRecord>>;
  timeline(tenantId: string, type: string, id: string, limit: number, cursor?: string): Promise<Page<TimelineEntry>>;
  /**
   * Puts entries on records' timelines outside a change (a lead's calls copied to the contact and account it
   * became). Keyed by each entry's `at` and `id`, so putting the same entries again changes nothing.
   */
  putTimeline(tenantId: string, entries: readonly { type: string; id: string; entry: TimelineEntry }[]): Promise<void>;
  audit(tenantId: string, type: string, id: string, limit: number, cursor?: string): Promise<Page<AuditEntry>>;
  /** The child link items in a parent's partition; `childType` keeps to one type (`CH#<type>#`). */
  children(tenantId: string, parentType: string, parentId: string, limit: number, cursor?: string, childType?: string): Promise<Page<Record<string, unknown>>>;
  uniqueOwner(tenantId: string, type: string, field: string, value: string): Promise<string | undefined>;
  /** Live records of a type holding exactly this search token (dedup by email or phone digits). */
  findByToken(tenantId: string, type: string, token: string): Promise<StoredRecord[]>;
  /** Distinct records holding a search token that starts with `prefix` (no query plan): one Query. */
  tokenHits?(tenantId: string, type: string, prefix: string, limit: number): Promise<import('./search/entry.ts').SearchEntry[]>;
  /** Records by id (BatchGetItem), as a map. */
  getMany?(tenantId: string, type: string, ids: readonly string[]): Promise<Map<string, StoredRecord>>;
  /** A record's history series (`kind`), newest first: one Query of its partition. */
  history?(tenantId: string, type: string, id: string, kind: string, limit: number): Promise<HistoryEntry[]>;
  /** A user's agenda items from `from` (inclusive) to `to` (exclusive), by time: one Query. */
  agenda?(tenantId: string, userId: string, from: string, to: string, limit: number): Promise<(AgendaEntry['summary'] & { id: string; at: string })[]>;
  /** The aggregate items of a scope whose key starts with `prefix` (a forecast's period): one Query. */
  aggregateItems?(tenantId: string, scope: string, prefix: string): Promise<Record<string, unknown>[]>;
  /** Aggregate items of a scope with sk from `from` to `to` inclusive (a period's days: one Query). */
  aggregateRange?(tenantId: string, scope: string, from: string, to: string): Promise<Record<string, unknown>[]>;
  /** The last value a tenant's sequence gave (0 before the first), for ChangeSet.sequence. */
  sequenceValue?(tenantId: string, name: string): Promise<number>;
  /** A saved view of an object (`?view=`), if the store keeps views (functions/views). */
  savedView?(tenantId: string, object: string, id: string): Promise<SavedView | undefined>;
}
