import type * as z from 'zod/mini';

/** A stored record as the API returns it (before redaction). */
export interface StoredRecord {
  id: string;
  name: string;
  ownerId: string;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  deletedAt?: string;
  deletedBy?: string;
  [field: string]: unknown;
}

/** Fields the server owns; a client can never set them. */
export const SYSTEM_FIELDS = [
  'id', 'name', 'version', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'deletedAt', 'deletedBy',
] as const;

/**
 * What makes accounts, contacts (and later leads...) different; the generic record service does the rest.
 */
export interface EntityDefinition {
  /** Singular type used in keys and event names: `contact` → `contact.created` (a custom object's API name). */
  readonly type: string;
  /** The event names' prefix when not the type: custom objects publish `record.created`, ... (subject.type is the object). */
  readonly eventPrefix?: string;
  /** URL segment: `/api/contacts`. */
  readonly plural: string;
  readonly createSchema: z.ZodMiniType<Record<string, unknown>>;
  readonly updateSchema: z.ZodMiniType<Record<string, unknown>>;
  /** The display name stored as `name` (sorted and searched). */
  displayName(fields: Record<string, unknown>): string;
  /** Whole-record rules checked after a merge, e.g. "a contact needs a first or last name". */
  validateMerged?(fields: Record<string, unknown>): { path: string; message: string; code: string }[];
  /** Checks a change as a whole, e.g. allowed status moves (leads). */
  validateChange?(before: Record<string, unknown>, after: Record<string, unknown>): { path: string; message: string; code: string }[];
  /**
   * Server-set fields that follow from a change (an opportunity's probability, `closedAt`, `stageEnteredAt`),
   * merged over the record before it is checked and written; `before` is undefined on create.
   */
  derive?(before: Record<string, unknown> | undefined, after: Record<string, unknown>, at: string): Record<string, unknown>;
  /** Whole-record rules of a new record (a deal created straight into a stage needs that stage's fields). */
  validateNew?(fields: Record<string, unknown>): { path: string; message: string; code: string }[];
  /**
   * Additions to aggregate items, in the same transaction as the change (a forecast's sums by period and
   * owner): the record's contribution after minus before; either is undefined when the record is not live.
   */
  aggregates?(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): import('./store.ts').AggregateDelta[];
  /** History entries a change writes into the record's partition (an opportunity's stage moves). */
  history?(before: Record<string, unknown> | undefined, after: Record<string, unknown>, at: string, by: { id: string; name: string }): import('./store.ts').HistoryEntry[];
  /** Side effects a plain PATCH implies, e.g. a lead leaving the open statuses frees its owner's slot. */
  changeExtras?(before: Record<string, unknown>, after: Record<string, unknown>): import('./service.ts').ChangeOptions;
  /**
   * The values a list filter may name for a standard picklist whose options are data of the tenant, not of
   * its metadata (an opportunity's stage: every stage of the tenant's pipelines).
   */
  readonly listOptions?: Readonly<Record<string, readonly string[]>>;
  /** List query schema when the entity has extra filters, and how each maps to a stored attribute. */
  readonly listQuery?: z.ZodMiniType<Record<string, unknown>>;
  readonly listFilters?: Readonly<Record<string, string>>;
  /** Server-set fields on creation (e.g. a lead's status): the client cannot choose them. */
  readonly createDefaults?: Record<string, unknown>;
  /** Values for fields the client left out on creation (e.g. an opportunity's first stage). */
  readonly defaults?: Record<string, unknown>;
  /** Phone fields converted to E.164 using the record's `country`. */
  readonly phoneFields: readonly string[];
  /** Fields unique within the tenant (case-insensitive), e.g. a contact's email. */
  readonly uniqueFields: readonly string[];
  /** When only some records hold their unique values (a duplicate lead shares its original's email). */
  uniqueWhen?(fields: Record<string, unknown>): boolean;
  /** Fields whose values are indexed for prefix search besides the name. */
  readonly searchFields: readonly string[];
  /**
   * Search words besides the name and `searchFields`, most important first (an article's keywords, then the
   * words its body is most about): stored as search tokens within MAX_WORD_TOKENS_PER_RECORD.
   */
  searchWords?(record: Record<string, unknown>): Iterable<string>;
  /** A parent record this one links to (a contact's account): its timeline gets linked/unlinked entries. */
  readonly parent?: { readonly field: string; readonly type: string; readonly nameField: string };
  /**
   * The parent's name (copied on the record as `parent.nameField`) is searched too, by its whole name and
   * words, within MAX_PARENT_TOKENS_PER_RECORD tokens of its own: a contact is found by its company.
   */
  readonly searchParentName?: boolean;
  /** Fields copied onto the parent's child link item (shown in the parent's child list). */
  readonly linkFields?: readonly string[];
  /**
   * Records this one is about besides its parent (an activity's `relatedTo`): the kernel writes a link item
   * (summary: id, name, ownerId and `linkFields`) into each one's partition in the change's transaction, so
   * their related list is one Query; `path` names the value in a 400 when the record is not there.
   */
  links?(record: Record<string, unknown>): { parentType: string; parentId: string; path: string; /** more summary fields */ summary?: Record<string, unknown> }[];
  /**
   * Entries a change puts on other records' timelines (an activity logged on a deal and its account): the
   * kernel adds id, time and actor and writes them in the same transaction.
   */
  /** The record's item on its owner's agenda (an activity with a due or start time), or none. */
  agenda?(record: Record<string, unknown>): { ownerId: string; at: string; summary: Record<string, unknown> } | undefined;
  relatedTimeline?(before: Record<string, unknown> | undefined, after: Record<string, unknown>): { type: string; id: string; entryType: string; data?: Record<string, unknown> }[];
}
