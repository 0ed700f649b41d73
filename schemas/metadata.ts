import * as z from 'zod/mini';
import { email as emailSchema, id, money } from './common.ts';

/**
 * Objects as data (issue 7, first step): the metadata model of objects and fields, and the compiler that
 * turns field definitions into the zod/mini schema a record's custom values are validated with. Shared by
 * the web app and functions/, so a value the browser accepts is a value the server accepts (and the other
 * way round): both call `compileFields` on the same definitions (GET /api/metadata hands them out).
 *
 * Custom API names start with `c_` so they never collide with built-in fields or internal attributes.
 */

/** Labels are `{"en": "...", "zh-CN": "..."}` everywhere. */
export const localized = z.strictObject({
  en: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  'zh-CN': z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
});
export type Localized = z.infer<typeof localized>;
/** Help text: longer, and either language may be left out. */
export const localizedHelp = z.strictObject({
  en: z.optional(z.string().check(z.maxLength(1000))),
  'zh-CN': z.optional(z.string().check(z.maxLength(1000))),
});

export const FIELD_TYPES = [
  'text', 'longText', 'number', 'money', 'percent', 'date', 'datetime', 'boolean', 'picklist', 'multiPicklist',
  'email', 'phone', 'url', 'user', 'relation',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** The standard objects by their plural API name (the URL segment) and their record type. */
export const STANDARD_OBJECTS = { accounts: 'account', contacts: 'contact', leads: 'lead', opportunities: 'opportunity', activities: 'activity', tickets: 'ticket', articles: 'article' } as const;
export type StandardObject = keyof typeof STANDARD_OBJECTS;
export const isStandardObject = (o: string): o is StandardObject => Object.hasOwn(STANDARD_OBJECTS, o);

/** `c_` then a lower-case letter, then letters, digits or `_`: at most 40 characters. */
export const CUSTOM_API_NAME = /^c_[a-z][A-Za-z0-9_]{0,37}$/;
export const isCustomName = (name: string) => name.startsWith('c_');

// --- limits (stated here so the web app can say them before a save) ------------------------------------

/** Custom fields per object, active or deactivated (a deactivated field keeps its values until purged). */
export const MAX_CUSTOM_FIELDS_PER_OBJECT = 50;
/** Searchable custom fields per object (each is a search token per record write). */
export const MAX_SEARCHABLE_CUSTOM_FIELDS = 10;
/** Options of a picklist or multi-picklist. */
export const MAX_OPTIONS = 100;
export const MAX_TEXT_LENGTH = 255;
export const MAX_LONG_TEXT_LENGTH = 4000;
export const MAX_URL_LENGTH = 2000;
/** Custom objects per tenant, active or deactivated (a deactivated object keeps its records). */
export const MAX_CUSTOM_OBJECTS_PER_TENANT = 20;
/** Relation fields per object (each value is a link item written in the record's transaction). */
export const MAX_RELATION_FIELDS_PER_OBJECT = 5;
/** Ids a many-to-many relation (`many: true`) holds; a record links to at most this many records in all. */
export const MAX_RELATION_IDS = 20;
/**
 * The largest a record's custom values may get, summed over the object's custom fields (each type's worst
 * case in UTF-8, see `maxStoredBytes`): DynamoDB items are at most 400 KB and a record is written with its
 * search tokens in one transaction (4 MB), so custom values keep to a third of an item.
 */
export const MAX_CUSTOM_BYTES_PER_RECORD = 128 * 1024;

/** Worst-case stored size of one value of a field (UTF-8: at most 3 bytes per UTF-16 code unit), name included. */
export function maxStoredBytes(f: Pick<FieldDefinition, 'apiName' | 'type' | 'options' | 'many'>): number {
  const name = f.apiName.length;
  switch (f.type) {
    case 'text': return name + 3 * MAX_TEXT_LENGTH;
    case 'longText': return name + 3 * MAX_LONG_TEXT_LENGTH;
    case 'url': return name + MAX_URL_LENGTH;
    case 'email': return name + 3 * 254;
    case 'multiPicklist': return name + (f.options ?? []).reduce((n, o) => n + 3 * o.value.length + 3, 0);
    case 'picklist': return name + Math.max(0, ...(f.options ?? []).map((o) => 3 * o.value.length));
    case 'money': return name + 40;
    case 'relation': return name + (f.many ? MAX_RELATION_IDS * 70 : 70);
    default: return name + 70;
  }
}

// --- field and object definitions ------------------------------------------------------------------------

export const option = z.strictObject({
  value: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,40}$/, 'Option values are 1–40 letters, digits, _ or -')),
  label: localized,
  color: z.optional(z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/, 'A colour is #rrggbb'))),
  order: z.optional(z.int().check(z.minimum(0), z.maximum(10_000))),
});
export type PicklistOption = z.infer<typeof option>;

/**
 * The staff roles (contracts/roles.ts, which schemas/ may not import; test/unit/metadata.test.ts keeps them equal).
 */
export const ROLE_NAMES = ['admin', 'manager', 'rep', 'marketer', 'agent'] as const;
type Role = (typeof ROLE_NAMES)[number];

/** What a role may do with a field: nothing, read it, or read and write it (the default). */
export const ACCESS_LEVELS = ['none', 'read', 'write'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];
/** Per-role access; a role not named may write. Admins always may (an admin cannot lock the field away). */
export const fieldPermissions = z.partialRecord(z.enum(ROLE_NAMES), z.enum(ACCESS_LEVELS));
export type FieldPermissions = Partial<Record<Role, AccessLevel>>;

/** A field of an object, standard (`custom: false`, described in code) or custom (stored per tenant). */
export interface FieldDefinition {
  apiName: string;
  type: FieldType;
  label: Localized;
  helpText?: { en?: string; 'zh-CN'?: string };
  required: boolean;
  unique: boolean;
  searchable: boolean;
  /** Filled in on create when the value is left out; valid for the field's type. */
  default?: unknown;
  /** picklist and multiPicklist only. */
  options?: PicklistOption[];
  /** relation only: the target object's plural API name, e.g. `accounts` or `c_projects`. */
  target?: string;
  /** relation only: many-to-many, the value is an array of at most MAX_RELATION_IDS ids. */
  many?: boolean;
  permissions?: FieldPermissions;
  /**
   * Standard text fields that hold a code rather than words: how pages show and edit them (a country's name
   * and a picker for an ISO 3166-1 code; a lead source's label). Set in the standard metadata only.
   */
  format?: FieldFormat;
  /** A deactivated field is hidden from metadata and the API; its values are kept and come back on restore. */
  active: boolean;
  custom: boolean;
}

export const FIELD_FORMATS = ['country', 'leadSource'] as const;
export type FieldFormat = (typeof FIELD_FORMATS)[number];

/** An object, standard or custom (stored per tenant). `apiName` is the plural URL segment. */
export interface ObjectDefinition {
  apiName: string;
  /** The record type in keys and events (`contact`). */
  recordType: string;
  label: Localized;
  labelPlural: Localized;
  icon: string;
  /** The field that names a record. */
  nameField: string;
  searchable: boolean;
  custom: boolean;
  fields: FieldDefinition[];
  /**
   * `custom`: an admin set the order of the fields (PUT …/layout) and `fields` are in it; pages show them
   * exactly so. Absent or `default`: the built-in order (pages put the naming field first, the owner last).
   */
  fieldOrder?: 'default' | 'custom';
}

const fieldTypeEnum = z.enum(FIELD_TYPES);

/** POST /api/metadata/objects/{object}/fields: a new custom field. */
export const fieldCreate = z.strictObject({
  apiName: z.string().check(z.regex(CUSTOM_API_NAME, 'Custom field names start with c_ then a lower-case letter: letters, digits or _, at most 40 characters')),
  type: fieldTypeEnum,
  label: localized,
  helpText: z.optional(localizedHelp),
  required: z.optional(z.boolean()),
  unique: z.optional(z.boolean()),
  searchable: z.optional(z.boolean()),
  default: z.optional(z.unknown()),
  options: z.optional(z.array(option).check(z.minLength(1), z.maxLength(MAX_OPTIONS))),
  target: z.optional(z.string().check(z.maxLength(40))),
  many: z.optional(z.boolean()),
  permissions: z.optional(fieldPermissions),
});
export type FieldCreate = z.infer<typeof fieldCreate>;

/** PATCH /api/metadata/objects/{object}/fields/{field}: what may change after creation (not the name, type or target). */
export const fieldUpdate = z.strictObject({
  label: z.optional(localized),
  helpText: z.optional(z.nullable(localizedHelp)),
  required: z.optional(z.boolean()),
  searchable: z.optional(z.boolean()),
  default: z.optional(z.unknown()),
  options: z.optional(z.array(option).check(z.minLength(1), z.maxLength(MAX_OPTIONS))),
  permissions: z.optional(fieldPermissions),
});
export type FieldUpdate = z.infer<typeof fieldUpdate>;

/** A field as GET /api/metadata shows it to one caller. */
export const fieldView = z.object({
  apiName: z.string(), type: fieldTypeEnum, label: localized, helpText: z.optional(localizedHelp),
  required: z.boolean(), unique: z.boolean(), searchable: z.boolean(), default: z.optional(z.unknown()),
  options: z.optional(z.array(option)), target: z.optional(z.string()), many: z.optional(z.boolean()), permissions: z.optional(fieldPermissions),
  format: z.optional(z.enum(FIELD_FORMATS)), active: z.boolean(), custom: z.boolean(), readable: z.boolean(), writable: z.boolean(),
});
export const objectView = z.object({
  apiName: z.string(), recordType: z.string(), label: localized, labelPlural: localized, icon: z.string(),
  nameField: z.string(), searchable: z.boolean(), custom: z.boolean(), active: z.optional(z.boolean()), fields: z.array(fieldView),
  fieldOrder: z.optional(z.enum(['default', 'custom'])),
});

/**
 * PUT /api/metadata/objects/{object}/layout: the order of an object's fields (standard and custom, by API
 * name). Fields left out keep their relative order after the listed ones; each name at most once.
 */
export const MAX_LAYOUT_FIELDS = 200;
export const objectLayout = z.strictObject({
  fields: z.array(z.string().check(z.minLength(1), z.maxLength(40))).check(z.minLength(1), z.maxLength(MAX_LAYOUT_FIELDS)),
});
export type ObjectLayout = z.infer<typeof objectLayout>;

/** Fields in a layout's order: the listed ones first as listed, then the others in their own order. */
export function inLayoutOrder<T extends { apiName: string }>(fields: readonly T[], layout: readonly string[] | undefined): T[] {
  if (!layout?.length) return [...fields];
  const rank = new Map(layout.map((name, i) => [name, i]));
  const listed = fields.filter((f) => rank.has(f.apiName)).sort((a, b) => rank.get(a.apiName)! - rank.get(b.apiName)!);
  return [...listed, ...fields.filter((f) => !rank.has(f.apiName))];
}

/** POST .../fields/{field}/purge: how many records each step of the job reads (default 100). */
export const PURGE_PAGE_SIZE = 100;
export const fieldPurge = z.strictObject({
  pageSize: z.optional(z.int().check(z.minimum(1), z.maximum(500))),
});
/** GET /api/metadata/jobs/{id}: a metadata job (the purge of a field) and its progress. */
export const metadataJob = z.object({
  id: z.string(), kind: z.enum(['field-purge']), object: z.string(), field: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed']),
  examined: z.int(), cleared: z.int(),
  requestedAt: z.string(), requestedBy: z.string(),
  startedAt: z.optional(z.string()), finishedAt: z.optional(z.string()), error: z.optional(z.string()),
});

export type MetadataJob = z.infer<typeof metadataJob>;

const icon = z.string().check(z.regex(/^[a-z0-9-]{1,40}$/, 'An icon name: 1–40 lower-case letters, digits or -'));

/**
 * POST /api/metadata/objects: a custom object with its first fields. `nameField` defaults to the first
 * required text field; the object needs a text field to name its records.
 */
export const objectCreate = z.strictObject({
  apiName: z.string().check(z.regex(CUSTOM_API_NAME, 'Custom object names start with c_ then a lower-case letter, plural (c_projects): letters, digits or _, at most 40 characters')),
  label: localized,
  labelPlural: localized,
  icon: z.optional(icon),
  nameField: z.optional(z.string().check(z.maxLength(40))),
  searchable: z.optional(z.boolean()),
  fields: z.array(fieldCreate).check(z.minLength(1), z.maxLength(MAX_CUSTOM_FIELDS_PER_OBJECT)),
});
export type ObjectCreate = z.infer<typeof objectCreate>;

/** PATCH /api/metadata/objects/{object}: labels, icon and the naming field (not the name or the fields). */
export const objectUpdate = z.strictObject({
  label: z.optional(localized),
  labelPlural: z.optional(localized),
  icon: z.optional(icon),
  nameField: z.optional(z.string().check(z.maxLength(40))),
});
export type ObjectUpdate = z.infer<typeof objectUpdate>;

/** The record type in keys, events and policy of an object: the standard ones' singular, a custom object's API name. */
export const recordTypeOf = (object: string): string => (isStandardObject(object) ? STANDARD_OBJECTS[object] : object);
export const metadataDocument = z.object({ version: z.int(), objects: z.array(objectView) });

// --- the compiler ------------------------------------------------------------------------------------------

/** E.164: `+`, a country code and the number, 8 to 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;
const userOrRecordId = id;

/** The schema of one value of a field (without required/optional). */
export function valueSchema(f: Pick<FieldDefinition, 'type' | 'options' | 'many'>): z.ZodMiniType {
  switch (f.type) {
    case 'text': return z.string().check(z.trim(), z.minLength(1), z.maxLength(MAX_TEXT_LENGTH));
    case 'longText': return z.string().check(z.maxLength(MAX_LONG_TEXT_LENGTH));
    case 'number': return z.number();
    case 'percent': return z.number().check(z.minimum(-1_000_000), z.maximum(1_000_000));
    case 'money': return money;
    case 'date': return z.iso.date();
    case 'datetime': return z.iso.datetime({ offset: true });
    case 'boolean': return z.boolean();
    case 'picklist': return picklistValue(f.options);
    case 'multiPicklist': return z.array(picklistValue(f.options)).check(
      z.maxLength(MAX_OPTIONS),
      z.refine((v) => new Set(v).size === v.length, 'Each option at most once'),
    );
    case 'email': return emailSchema;
    case 'phone': return z.string().check(z.regex(E164, 'An international number in E.164, e.g. +8613800138000'));
    case 'url': return z.url({ protocol: /^https?$/ }).check(z.maxLength(MAX_URL_LENGTH));
    case 'user': return userOrRecordId;
    case 'relation': return f.many
      ? z.array(userOrRecordId).check(z.maxLength(MAX_RELATION_IDS), z.refine((v) => new Set(v).size === v.length, 'Each record at most once'))
      : userOrRecordId;
  }
}

function picklistValue(options: readonly PicklistOption[] | undefined): z.ZodMiniType {
  const values = (options ?? []).map((o) => o.value);
  return values.length ? z.enum(values as [string, ...string[]]) : z.never();
}

/**
 * The schema of a record's custom values: one key per active field; strict, so a `c_` name that is not an
 * active field is refused as an unknown field. `create`: required fields must be present, unless they have
 * a default (the server fills it in, `withDefaults`, so leaving it out is no error on either side). `update`
 * (a PATCH): every field may be left out, and `null` clears one that is not required.
 */
export function compileFields(fields: readonly FieldDefinition[], mode: 'create' | 'update' = 'create') {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const f of fields) {
    if (!f.active) continue;
    const value = valueSchema(f);
    shape[f.apiName] = mode === 'create'
      ? (f.required && f.default === undefined ? value : z.optional(value))
      : z.optional(f.required ? value : z.nullable(value));
  }
  const relations = fields.filter((f) => f.active && f.type === 'relation').map((f) => f.apiName);
  if (relations.length < 2) return z.strictObject(shape);
  // A record links to at most MAX_RELATION_IDS records through all its relation fields together (the
  // record service refuses more, functions/records/relations.ts): said here too, so the web app says it.
  return z.strictObject(shape).check(z.superRefine((v: Record<string, unknown>, ctx) => {
    const given = relations.filter((n) => v[n] !== undefined && v[n] !== null);
    const ids = given.reduce((n, k) => n + (Array.isArray(v[k]) ? (v[k] as unknown[]).length : 1), 0);
    if (ids <= MAX_RELATION_IDS) return;
    for (const path of given) {
      ctx.addIssue({ code: 'custom', path: [path], input: v[path], message: `A record points at most at ${MAX_RELATION_IDS} records through its relation fields` });
    }
  }));
}

/** A create's values with the active fields' defaults filled in where the caller left them out. */
export function withDefaults(fields: readonly FieldDefinition[], values: Record<string, unknown>): Record<string, unknown> {
  const out = { ...values };
  for (const f of fields) if (f.active && f.default !== undefined && out[f.apiName] === undefined) out[f.apiName] = f.default;
  return out;
}
