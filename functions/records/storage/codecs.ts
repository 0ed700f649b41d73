import * as z from 'zod/mini';
import { keys } from '#commons/keys.ts';
import { assignmentRule } from '#schemas/assignment.ts';
import { formCreate } from '#schemas/form.ts';
import { DENSITIES, VIEW_SHARING, viewWhere, type SavedView } from '#schemas/view.ts';
import type { StoredRecord } from '../entity.ts';
import type { SearchEntry } from '../search/entry.ts';
import type { AuditEntry, DirectoryUser, DomainEvent, TimelineEntry } from '../store.ts';
import { CorruptItem, attributesOf, defineCodec, validate, type Codec, type Item } from './codec.ts';

/**
 * The typed codec of every item kind in docs/data-model.md: `encode(value, where?)` → the item with its
 * keys (from functions/commons/keys.ts), `entityType` and derived attributes; `decode(item)` → the value,
 * validated, without pk/sk/gsi*, entityType or expiresAt. test/unit/storage-codecs.test.ts round-trips each.
 */

const text = z.string();
const opt = <T extends z.ZodMiniType>(s: T) => z.optional(s);
const ref = z.object({ type: text, id: text, name: text });
const SECONDS_PER_DAY = 86_400;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
/** Public ids that stand for a sort key (notifications, tasks): opaque to callers, exact for the store. */
export const idOfSk = (sk: string) => Buffer.from(sk).toString('base64url');
export const skOfId = (id: string) => Buffer.from(id, 'base64url').toString('utf8');
const skOf = (item: Item) => {
  if (typeof item.sk !== 'string') throw new CorruptItem(String(item.entityType ?? 'item'), 'no sort key');
  return item.sk;
};

// --- records and their item collection ----------------------------------------------------------------

const storedRecord = z.looseObject({
  id: text, name: text, ownerId: text, version: z.number(),
  createdAt: text, createdBy: text, updatedAt: text, updatedBy: text,
  deletedAt: opt(text), deletedBy: opt(text),
}) as unknown as z.ZodMiniType<StoredRecord>;

/** Record kinds (the entity types): their items carry the type itself as `entityType`. */
export const RECORD_TYPES = ['account', 'contact', 'lead', 'opportunity', 'activity', 'ticket', 'article'] as const;

/**
 * A record (account, contact, lead, opportunity, activity, ticket) with its index keys: live records are listed by name
 * (GSI1), by creation (GSI2) and by owner (GSI3); a deleted one sits only in the trash (GSI1).
 * functions/records/dynamo-store.ts writes the same item (recordItem; the codec test checks they agree).
 */
export const recordCodec: Codec<StoredRecord, { tenantId: string; type: string }> = {
  entityType: 'record',
  encode(record, { tenantId, type }) {
    const base: Item = { ...record, pk: keys.record(tenantId, type, record.id), sk: keys.recordSk, entityType: type };
    if (record.deletedAt) return { ...base, gsi1pk: keys.trash(tenantId, type), gsi1sk: keys.trashSk(record.deletedAt, record.id) };
    const byName = keys.byNameSk(record.name, record.id);
    return {
      ...base,
      gsi1pk: keys.list(tenantId, type), gsi1sk: byName,
      gsi2pk: keys.list(tenantId, type), gsi2sk: keys.byCreatedSk(record.createdAt, record.id),
      gsi3pk: keys.byOwner(tenantId, type, record.ownerId), gsi3sk: byName,
    };
  },
  decode(item) {
    // A custom object's records are of its `c_` type (functions/records/objects.ts).
    if (typeof item.entityType === 'string' && !(RECORD_TYPES as readonly string[]).includes(item.entityType) && !item.entityType.startsWith('c_')) {
      throw new CorruptItem('record', `read an item of kind ${item.entityType}`);
    }
    return validate('record', storedRecord, attributesOf(item));
  },
};

const searchEntrySchema = z.object({
  id: text, name: text, subtitle: opt(text), ownerId: opt(text), status: opt(text),
}) as unknown as z.ZodMiniType<SearchEntry>;

/**
 * A search token under `<token>#<id>` in the type's search partition: the record's id and display fields
 * (functions/records/search/entry.ts), not a copy of the record. Only those fields are written, whatever the value
 * holds; items written before issue 7 (full copies) decode to the same shape.
 */
export const searchTokenCodec = defineCodec<SearchEntry, { tenantId: string; type: string; token: string }>({
  entityType: 'search',
  schema: searchEntrySchema,
  toAttributes: ({ id, name, subtitle, ownerId, status }) => ({
    id, name, ...(subtitle !== undefined ? { subtitle } : {}), ...(ownerId !== undefined ? { ownerId } : {}), ...(status !== undefined ? { status } : {}),
  }),
  key: (entry, { tenantId, type, token }) => ({ pk: keys.search(tenantId, type), sk: keys.searchSk(token, entry.id) }),
  derived: (_entry, { token }) => ({ token }),
  internal: ['token'],
});

/** A list-index item of a record (functions/records/list-index.ts): the record's id, under its field's order. */
export interface ListIndexEntry {
  id: string;
}

/** A list-index item (`T#t#<type>#ix#<field>` / `<value>\u0001<name>#<id>`): only the id, the record is read by it. */
export const listIndexCodec = defineCodec<ListIndexEntry, { tenantId: string; type: string; field: string; sk: string }>({
  entityType: 'list-index',
  schema: z.object({ id: text }),
  key: (_e, { tenantId, type, field, sk }) => ({ pk: keys.listIndex(tenantId, type, field), sk }),
});

const timelineEntry = z.looseObject({
  id: text, at: text, type: text, actor: z.object({ id: text, name: text }),
  changes: opt(z.array(text)), subject: opt(ref),
}) as unknown as z.ZodMiniType<TimelineEntry>;

/** A timeline entry in the partition of the record it is on (`TL#<at>#<id>`). */
export const timelineCodec = defineCodec<TimelineEntry, { tenantId: string; type: string; id: string }>({
  entityType: 'timeline',
  schema: timelineEntry,
  key: (entry, { tenantId, type, id }) => ({ pk: keys.record(tenantId, type, id), sk: keys.timelineSk(entry.at, entry.id) }),
});

const auditEntry = z.looseObject({
  id: text, at: text, action: z.enum(['create', 'update', 'delete', 'restore']),
  actor: z.object({ id: text, name: text, email: text }), recordType: text, recordId: text,
  before: opt(z.record(text, z.unknown())), after: opt(z.record(text, z.unknown())),
}) as unknown as z.ZodMiniType<AuditEntry>;

/** An audit entry in the partition of the record it is about (`AU#<at>#<id>`). */
export const auditCodec = defineCodec<AuditEntry, { tenantId: string }>({
  entityType: 'audit',
  schema: auditEntry,
  key: (entry, { tenantId }) => ({ pk: keys.record(tenantId, entry.recordType, entry.recordId), sk: keys.auditSk(entry.at, entry.id) }),
});

/** What a parent shows of a child (a contact or an opportunity at an account): its type, id, name, owner and link fields. */
export interface ChildLink {
  type: string;
  id: string;
  name: string;
  ownerId: string;
  [field: string]: unknown;
}
const childLink = z.looseObject({ type: text, id: text, name: text, ownerId: text }) as unknown as z.ZodMiniType<ChildLink>;

/** A child link in its parent's partition (`CH#<type>#<id>`). */
export const childLinkCodec = defineCodec<ChildLink, { tenantId: string; parentType: string; parentId: string }>({
  entityType: 'link',
  schema: childLink,
  key: (link, { tenantId, parentType, parentId }) => ({ pk: keys.record(tenantId, parentType, parentId), sk: keys.childSk(link.type, link.id) }),
});

export interface UniqueGuard {
  /** The record holding the value. */
  id: string;
  field: string;
  /** As guarded: lower-cased (an email, an E.164 phone). */
  value: string;
}

/** A uniqueness guard: one contact per email, one live lead per email and per phone (`~unique`). */
export const uniqueGuardCodec = defineCodec<UniqueGuard, { tenantId: string; type: string }>({
  entityType: 'unique',
  schema: z.object({ id: text, field: text, value: text }),
  key: (g, { tenantId, type }) => ({ pk: keys.unique(tenantId, type, g.field, g.value), sk: keys.uniqueSk }),
});

const EVENT_TTL_SECONDS = 7 * SECONDS_PER_DAY;
const domainEvent = z.looseObject({
  eventId: text, name: text, version: z.number(), tenantId: text, occurredAt: text,
  actor: z.object({ id: text, name: text, kind: opt(z.literal('system')) }), subject: z.object({ type: text, id: text }),
  changes: opt(z.array(text)), correlationId: opt(text), data: z.record(text, z.unknown()),
}) as unknown as z.ZodMiniType<DomainEvent>;

/** An outbox event (`~event`), forwarded to EventBridge by the table stream; expires 7 days after it occurred. */
export const outboxEventCodec = defineCodec<DomainEvent>({
  entityType: 'event',
  schema: domainEvent,
  key: (e) => ({ pk: keys.event(e.tenantId, e.eventId), sk: keys.eventSk }),
  derived: (e) => ({ expiresAt: epochSeconds(e.occurredAt) + EVENT_TTL_SECONDS }),
});

export interface IdempotencyRecord {
  /** SHA-256 of the raw body first sent with the key. */
  bodyHash: string;
  /** The answer given, repeated to a retry. */
  response: Record<string, unknown>;
}

/** A caller's Idempotency-Key and the answer it got (`~idem`), kept until `expiresAt` (24 h). */
export const idempotencyCodec = defineCodec<IdempotencyRecord, { tenantId: string; scope: string; key: string; expiresAt: number }>({
  entityType: 'idempotency',
  schema: z.object({ bodyHash: text, response: z.record(text, z.unknown()) }),
  key: (_r, { tenantId, scope, key }) => ({ pk: keys.idempotency(tenantId, scope, key), sk: keys.idempotencySk }),
  derived: (_r, { expiresAt }) => ({ expiresAt }),
});

/** Requests counted in one minute window. */
export interface RateWindow {
  used: number;
}

/** A rate window of a partner, form or visitor (sk: epoch minute), gone 2 minutes after its minute starts. */
export const rateWindowCodec = defineCodec<RateWindow, { tenantId: string; scope: string; epochMinute: number }>({
  entityType: 'rate-window',
  schema: z.object({ used: z.number() }),
  key: (_w, { tenantId, scope, epochMinute }) => ({ pk: keys.rate(tenantId, scope), sk: keys.rateSk(epochMinute) }),
  derived: (_w, { epochMinute }) => ({ expiresAt: rateWindowExpiry(epochMinute) }),
});
export const rateWindowExpiry = (epochMinute: number) => (epochMinute + 2) * 60;

// --- tenant configuration -----------------------------------------------------------------------------

const partner = z.object({
  id: text, tenantId: text, name: text, secret: text,
  /** The secret before the last rotation, accepted until `previousSecretValidUntil`. */
  previousSecret: opt(text), previousSecretValidUntil: opt(text),
  rateLimitPerMinute: z.number(), createdAt: text, createdBy: text, rotatedAt: opt(text),
});
/** A lead partner (SFA-1): who may post leads to the webhook, with which secret and at what rate. */
export type Partner = z.infer<typeof partner>;

/** A lead partner in its tenant's partner partition. */
export const partnerCodec = defineCodec<Partner>({
  entityType: 'partner',
  schema: partner,
  key: (p) => ({ pk: keys.partners(p.tenantId), sk: keys.partnerSk(p.id) }),
});

const leadForm = z.object({ ...formCreate.shape, id: text, tenantId: text, createdAt: text, createdBy: text });
/** A web-to-lead form: which lead fields it asks for, in which language. */
export type LeadForm = z.infer<typeof leadForm>;

/** A web-to-lead form in its tenant's form partition. */
export const formCodec = defineCodec<LeadForm>({
  entityType: 'form',
  schema: leadForm,
  key: (f) => ({ pk: keys.forms(f.tenantId), sk: keys.formSk(f.id) }),
});

/** Where a public id in a URL (a partner's webhook, a form) belongs: nothing but the tenant. */
export interface RouteTarget {
  tenantId: string;
}

/** The routing item of a public id (`R#<kind>#<id>` / `~route`): the one key that does not start with the tenant. */
export const routeCodec = defineCodec<RouteTarget, { kind: 'partner' | 'form'; publicId: string }>({
  entityType: 'route',
  schema: z.object({ tenantId: text }),
  key: (_r, { kind, publicId }) => ({ pk: keys.route(kind, publicId), sk: keys.routeSk }),
});

const ruleSet = z.object({ rules: z.array(assignmentRule), version: z.number(), updatedAt: opt(text), updatedBy: opt(text) });
/** The tenant's ordered assignment rules (SFA-2) and the version that guards concurrent edits. */
export type RuleSet = z.infer<typeof ruleSet>;

/** The assignment rule set: one item (`T#t#config` / `assignment-rules`), so a reorder is atomic. */
export const ruleSetCodec = defineCodec<RuleSet, { tenantId: string }>({
  entityType: 'config',
  schema: ruleSet,
  key: (_s, { tenantId }) => ({ pk: keys.config(tenantId), sk: keys.assignmentRulesSk }),
});

/** How many leads a round-robin rule has handed out. */
export interface RoundRobinTurn {
  turn: number;
}

/** A round-robin rule's turn counter (`T#t#config` / `rr#<ruleId>`), moved with an atomic ADD. */
export const roundRobinCodec = defineCodec<RoundRobinTurn, { tenantId: string; ruleId: string }>({
  entityType: 'round-robin',
  schema: z.object({ turn: z.number() }),
  key: (_t, { tenantId, ruleId }) => ({ pk: keys.config(tenantId), sk: keys.roundRobinSk(ruleId) }),
});

// --- saved views -------------------------------------------------------------------------------------

const savedView = z.object({
  id: text, object: text, name: text, shared: z.enum(VIEW_SHARING), columns: z.array(text),
  widths: opt(z.record(text, z.number())), where: viewWhere, sort: z.array(text), density: opt(z.enum(DENSITIES)),
  segment: z.boolean(), ownerId: text, version: z.number(), createdAt: text, updatedAt: text,
}) as unknown as z.ZodMiniType<SavedView>;

/** A saved view (`T#t#view` / `<object>#<id>`): one partition per tenant, listed per object by sort key prefix. */
export const savedViewCodec = defineCodec<SavedView, { tenantId: string }>({
  entityType: 'view',
  schema: savedView,
  key: (v, { tenantId }) => ({ pk: keys.views(tenantId), sk: keys.viewSk(v.object, v.id) }),
});

/** The view a user last used on an object (`T#t#view` / `~last#<userId>#<object>`). */
export interface LastView {
  userId: string;
  object: string;
  viewId: string;
}
export const lastViewCodec = defineCodec<LastView, { tenantId: string }>({
  entityType: 'last-view',
  schema: z.object({ userId: text, object: text, viewId: text }),
  key: (v, { tenantId }) => ({ pk: keys.views(tenantId), sk: keys.lastViewSk(v.userId, v.object) }),
});

// --- people -------------------------------------------------------------------------------------------

const directoryUser = z.object({
  id: text, email: text, name: text, role: text, language: opt(text), managerId: opt(text),
  away: opt(z.boolean()), timeZone: opt(text), openLeads: opt(z.number()), createdAt: opt(text),
}) satisfies z.ZodMiniType<DirectoryUser>;

/** A user directory entry (`T#t#user` / `<userId>`); its `openLeads` counter is kept by the lead transactions. */
export const userCodec = defineCodec<DirectoryUser, { tenantId: string }>({
  entityType: 'user',
  schema: directoryUser,
  key: (u, { tenantId }) => ({ pk: keys.users(tenantId), sk: keys.userSk(u.id) }),
  // The sort key is the user id; entries written by a counter update alone have no `id` attribute.
  fromItem: (attributes, item) => ({ id: skOf(item), ...attributes }),
});

const NOTIFICATION_TTL_SECONDS = 90 * SECONDS_PER_DAY;
const mailState = z.object({
  to: text, status: z.enum(['sending', 'sent', 'released']), claimedAt: text, sentAt: opt(text), messageId: opt(text),
});
const notification = z.object({
  /** Opaque public id: the base64url of the sort key `<at>#<eventId>:<kind>`. */
  id: text, at: text, kind: text, read: z.boolean(), subject: ref,
  data: opt(z.record(text, z.unknown())),
  /** The email that goes with it: claimed (`sending`), `sent`, or `released` for the next delivery. */
  mail: opt(mailState),
});
export type StoredNotification = z.infer<typeof notification>;
/** When a notification made at `at` expires (TTL, epoch seconds): 90 days after it. */
export const notificationExpiry = (at: string) => epochSeconds(at) + NOTIFICATION_TTL_SECONDS;
/** The public id of the notification an event (`<eventId>:<kind>`) made at `at`. */
export const notificationId = (at: string, once: string) => idOfSk(keys.notificationSk(at, once));

/** An in-app notification in its user's partition (sk `<at>#<eventId>:<kind>`), gone 90 days after it. */
export const notificationCodec = defineCodec<StoredNotification, { tenantId: string; userId: string }>({
  entityType: 'notification',
  schema: notification,
  key: (n, { tenantId, userId }) => ({ pk: keys.notifications(tenantId, userId), sk: skOfId(n.id) }),
  derived: (n) => ({ expiresAt: notificationExpiry(n.at) }),
  toAttributes: ({ id: _id, ...rest }) => rest,
  fromItem: (attributes, item) => ({ ...attributes, id: idOfSk(skOf(item)) }),
});

const task = z.object({
  /** Opaque public id: the base64url of the sort key `<dueAt>#<leadId>`. */
  id: text, title: text, kind: z.literal('call-back'), dueAt: text,
  status: z.enum(['open', 'done', 'cancelled']), subject: ref,
});
export type StoredTask = z.infer<typeof task>;
export const taskId = (dueAt: string, subjectId: string) => idOfSk(keys.taskSk(dueAt, subjectId));

/** A task (a call-back) in its owner's partition, by due date (sk `<dueAt>#<leadId>`). */
export const taskCodec = defineCodec<StoredTask, { tenantId: string; userId: string }>({
  entityType: 'task',
  schema: task,
  key: (t, { tenantId, userId }) => ({ pk: keys.tasks(tenantId, userId), sk: keys.taskSk(t.dueAt, t.subject.id) }),
  toAttributes: ({ id: _id, ...rest }) => rest,
  fromItem: (attributes, item) => ({ ...attributes, id: idOfSk(skOf(item)) }),
});

/** Every codec by the item kind it stores (docs/data-model.md names them). */
export const codecs = {
  record: recordCodec, searchToken: searchTokenCodec, timeline: timelineCodec, audit: auditCodec,
  childLink: childLinkCodec, uniqueGuard: uniqueGuardCodec, outboxEvent: outboxEventCodec, idempotency: idempotencyCodec,
  rateWindow: rateWindowCodec, partner: partnerCodec, form: formCodec, route: routeCodec, ruleSet: ruleSetCodec,
  roundRobin: roundRobinCodec, user: userCodec, notification: notificationCodec, task: taskCodec,
  listIndex: listIndexCodec, savedView: savedViewCodec, lastView: lastViewCodec,
} as const;
