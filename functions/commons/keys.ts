import { OUTBOX_SK } from '#contracts/outbox.ts';
import { campaignsKeys } from './keys-campaigns.ts';
import { consentKeys } from './keys-consent.ts';
import { journeysKeys } from './keys-journeys.ts';
import { scoringKeys } from './keys-scoring.ts';
import { templatesKeys } from './keys-templates.ts';

/**
 * Single-table keys: the one place a pk, sk or GSI key string is built (functions/records/storage/codecs.ts turns
 * domain values into items with them). Every key starts with the tenant (rule 5), so no query can reach
 * another tenant's items; the routing items (`R#…`) are the one exception and hold nothing but a tenant id.
 * docs/data-model.md lists each item kind and access pattern against these. Changing what any of these
 * returns orphans data already stored: test/unit/storage-keys.test.ts pins every key byte for byte.
 */
export const tenantPrefix = (tenantId: string) => `T#${tenantId}#`;

/** Sort key prefixes inside a record's partition; `~record` sorts after all of them. */
const TIMELINE = 'TL#';
const AUDIT = 'AU#';
const CHILD = 'CH#';
const HISTORY = 'HI#';

export const keys = {
  // --- records and their item collection -------------------------------------------------------------
  /** The partition holding a record, its timeline (TL#), its audit trail (AU#) and linked items (CH#). */
  record: (tenantId: string, type: string, id: string) => `T#${tenantId}#${type}#${id}`,
  /** Sort key of the record itself; `~` sorts after TL#, so a descending Query yields record then newest timeline. */
  recordSk: '~record',
  timelineSk: (at: string, id: string) => `${TIMELINE}${at}#${id}`,
  timelinePrefix: TIMELINE,
  auditSk: (at: string, id: string) => `${AUDIT}${at}#${id}`,
  auditPrefix: AUDIT,
  /** A child's summary in its parent's partition (a contact at an account). */
  childSk: (childType: string, childId: string) => `${CHILD}${childType}#${childId}`,
  childPrefix: CHILD,
  /** The children of one type in a parent's partition (an account's contacts, not its opportunities). */
  childTypePrefix: (childType: string) => `${CHILD}${childType}#`,
  /** A history series entry in a record's partition (an opportunity's stage moves: kind `stage`). */
  historySk: (kind: string, at: string, id: string) => `${HISTORY}${kind}#${at}#${id}`,
  historyPrefix: (kind: string) => `${HISTORY}${kind}#`,

  // --- agendas ----------------------------------------------------------------------------------------
  /**
   * A user's agenda (SFA-5): one item per timed activity they own (a task by its due time, a meeting by its
   * start), sk `<at>#<id>`, kept in the activity's transaction; My day and the calendar feed are one Query of a range.
   */
  agenda: (tenantId: string, userId: string) => `T#${tenantId}#agenda#${userId}`,
  agendaSk: (at: string, id: string) => `${at}#${id}`,

  /** The follow-up watchdog's state of watched records (SFA-6): sk `<type>#<id>`, holding the last activity's time. */
  followUp: (tenantId: string) => `T#${tenantId}#followup`,
  followUpSk: (type: string, id: string) => `${type}#${id}`,
  /** In the same partition: how many records a rep holds that they claimed from the shared pool (`claimed`). */
  poolClaimsSk: (userId: string) => `claims#${userId}`,

  // --- aggregates -------------------------------------------------------------------------------------
  /**
   * Aggregate items of a tenant kept in the write transactions (`scope` e.g. `forecast`): sk chosen by the
   * domain (functions/opportunities/forecast-contribution.ts), so a period's figures are one Query whatever the number of records.
   */
  aggregate: (tenantId: string, scope: string) => `T#${tenantId}#agg#${scope}`,
  /** A forecast aggregate item: sk `<period>#<pipelineId>#<ownerId>#<currency>`. */
  forecastAggSk: (period: string, pipelineId: string, ownerId: string, currency: string) => `${period}#${pipelineId}#${ownerId}#${currency}`,
  forecastPeriodPrefix: (period: string) => `${period}#`,
  /** A weekly snapshot of a period's forecast aggregates (scope `forecast-snapshot`): sk `<period>#<tenant-local date>`. */
  forecastSnapshotSk: (period: string, date: string) => `${period}#${date}`,

  // --- record indexes ---------------------------------------------------------------------------------
  /** GSI1/GSI2 partition: all live records of a type in a tenant. */
  list: (tenantId: string, type: string) => `T#${tenantId}#${type}`,
  /** GSI1 partition for soft-deleted records (the trash). */
  trash: (tenantId: string, type: string) => `T#${tenantId}#${type}#deleted`,
  /** GSI3 partition: a type's live records owned by one user. */
  byOwner: (tenantId: string, type: string, ownerId: string) => `T#${tenantId}#${type}#owner#${ownerId}`,
  /** GSI1 and GSI3 sort key: by name (the normalised name, see nameKey), the id breaking ties. */
  byNameSk: (name: string, id: string) => `${nameKey(name)}#${id}`,
  /** GSI2 sort key: by creation time. */
  byCreatedSk: (createdAt: string, id: string) => `${createdAt}#${id}`,
  /** GSI1 sort key in the trash: newest deletion first (descending). */
  trashSk: (deletedAt: string, id: string) => `${deletedAt}#${id}`,

  /**
   * List-index partition of one field of a type (functions/records/list-index.ts): sk
   * `<order-preserving value>\u0001<name key>#<id>`, so a filter on the field is a key condition and a sort on
   * it is the partition's order, ties by name.
   */
  listIndex: (tenantId: string, type: string, field: string) => `T#${tenantId}#${type}#ix#${field}`,
  listIndexSk: (encodedValue: string, name: string, id: string) => `${encodedValue}\u0001${name}#${id}`,
  /** Saved views of a tenant: sk `<object>#<id>`; a user's last used view of an object: `~last#<userId>#<object>`. */
  views: (tenantId: string) => `T#${tenantId}#view`,
  viewSk: (object: string, id: string) => `${object}#${id}`,
  lastViewSk: (userId: string, object: string) => `~last#${userId}#${object}`,

  // --- search and uniqueness --------------------------------------------------------------------------
  /** Prefix-search tokens of a type: sk `<token>#<id>`. */
  search: (tenantId: string, type: string) => `T#${tenantId}#${type}#search`,
  searchSk: (token: string, id: string) => `${token}#${id}`,
  /** What an exact token match begins with (prefix search uses the typed text itself). */
  searchExact: (token: string) => `${token}#`,
  /** Uniqueness guard, e.g. one contact per email, one live lead per email and per phone (E.164) in a tenant. */
  unique: (tenantId: string, type: string, field: string, value: string) => `T#${tenantId}#${type}#${field}#${value}`,
  uniqueSk: '~unique',

  // --- outbox and idempotency -------------------------------------------------------------------------
  /** Transactional outbox: one item per domain event, forwarded to EventBridge by the table stream. */
  event: (tenantId: string, eventId: string) => `T#${tenantId}#event#${eventId}`,
  /** Also what the stream filter matches (infra/stacks/events-stack.ts, infra/local/stream.ts). */
  eventSk: OUTBOX_SK,
  /** A caller's idempotency key (scope = e.g. partner id), kept 24 h. */
  idempotency: (tenantId: string, scope: string, key: string) => `T#${tenantId}#idem#${scope}#${key}`,
  idempotencySk: '~idem',
  /** Rate window of a caller (scope, see `scopes`): sk is the epoch minute. */
  rate: (tenantId: string, scope: string) => `T#${tenantId}#rate#${scope}`,
  rateSk: (epochMinute: number) => String(epochMinute),

  // --- tenant configuration ---------------------------------------------------------------------------
  /** Tenant configuration documents (assignment rules, round-robin turns...): sk names the document. */
  config: (tenantId: string) => `T#${tenantId}#config`,
  /** A gap-free sequence of the tenant (`sequence#ticket`: the last ticket number given), moved in the change that uses it. */
  sequenceSk: (name: string) => `sequence#${name}`,
  /** The service desk's settings (SVC-1, SVC-4): calendars, SLA policies, queues, routing, macros, addresses, portal. */
  serviceDeskSk: 'service-desk',
  /**
   * The service desk's email references (SVC-1): `msg#<hash of a Message-ID>` → the ticket that mail belongs to
   * (an inbound mail, written with the message it became, so a redelivered mail is known; a reply we sent, so
   * the customer's answer threads), and `out#<ticket message id>`, the claim of a reply's email before SES is called.
   */
  mailRefs: (tenantId: string) => `T#${tenantId}#mailref`,
  mailRefSk: (messageIdHash: string) => `msg#${messageIdHash}`,
  mailSendSk: (ticketMessageId: string) => `out#${ticketMessageId}`,
  /** The claim of a solved ticket's CSAT survey email (one per solve). */
  surveySendSk: (ticketId: string, solvedAt: string) => `csat#${ticketId}#${solvedAt}`,
  /** A pipeline (SFA-4), `pipeline#<id>`; the default pipeline is not stored until an admin changes it. */
  pipelineSk: (pipelineId: string) => `pipeline#${pipelineId}`,
  pipelinePrefix: 'pipeline#',
  /** Sales quotas: `quota#<period>#<userId>`. */
  quotaSk: (period: string, userId: string) => `quota#${period}#${userId}`,
  quotaPrefix: (period: string) => `quota#${period}#`,
  /** The forecast settings (tenant currency, exchange rates, the weekly email's time). */
  forecastSettingsSk: 'forecast-settings',
  /** One manager's weekly forecast email of one send (the tenant-local date), claimed before sending. */
  forecastMailSk: (sendKey: string, managerId: string) => `forecast-mail#${sendKey}#${managerId}`,
  /** A user's calendar feed (the hash of its secret; the feed URL names the user and the secret). */
  calendarFeedSk: (userId: string) => `calendar-feed#${userId}`,
  /** The follow-up watchdog and shared pool settings (SFA-6). */
  followUpSettingsSk: 'follow-up-settings',
  /** The ordered assignment rule set: one item, so a reorder is atomic. */
  assignmentRulesSk: 'assignment-rules',
  /** The round-robin turn counter of one rule. */
  roundRobinSk: (ruleId: string) => `rr#${ruleId}`,
  /** Lead partners of a tenant: sk is the partner id. */
  partners: (tenantId: string) => `T#${tenantId}#partner`,
  partnerSk: (partnerId: string) => partnerId,
  /** Web-to-lead forms of a tenant: sk is the form id. */
  forms: (tenantId: string) => `T#${tenantId}#form`,
  formSk: (formId: string) => formId,
  /** Routing from a public id in a URL (partner, form) or a support address (`mail`) to its tenant; holds nothing but the tenant id (a calendar feed: and its user). */
  route: (kind: 'partner' | 'form' | 'calendar' | 'mail' | 'survey' | 'portal-link' | 'portal-session' | 'preference' | 'tracking' | 'journey-link', publicId: string) => `R#${kind}#${publicId}`,
  routeSk: '~route',

  // --- metadata (objects as data) ------------------------------------------------------------------
  /** A tenant's metadata: its custom objects (`object#<apiName>`), custom fields (`field#<object>#<apiName>`) and the version item (`~version`). */
  meta: (tenantId: string) => `T#${tenantId}#meta`,
  metaFieldSk: (object: string, apiName: string) => `field#${object}#${apiName}`,
  metaFieldPrefix: 'field#',
  /** A custom object's definition (its fields are `field#<object>#…` items beside it). */
  metaObjectSk: (apiName: string) => `object#${apiName}`,
  metaObjectPrefix: 'object#',
  /** The field order of an object, standard or custom (`layout#<object>`): set by PUT …/objects/{object}/layout. */
  metaLayoutSk: (object: string) => `layout#${object}`,
  metaLayoutPrefix: 'layout#',
  /** Incremented by every metadata change; compiled validators are cached per tenant by it. */
  metaVersionSk: '~version',
  /** A tenant's metadata jobs (a field purge, docs/data-model.md M6): sk is the job id. */
  metaJobs: (tenantId: string) => `T#${tenantId}#metajob`,
  metaJobSk: (jobId: string) => jobId,
  /** In the jobs partition: the last purge of a field name (`purged#<object>#<apiName>`), so a restore of it answers 409, not 404. */
  purgedFieldSk: (object: string, apiName: string) => `purged#${object}#${apiName}`,
  /** Record visibility (CD-7): one item per object with each role's read/edit level (`object#<apiName>`). */
  sharing: (tenantId: string) => `T#${tenantId}#sharing`,
  sharingSk: (object: string) => `object#${object}`,

  // --- people -----------------------------------------------------------------------------------------
  /** The tenant's user directory: sk is the user id (Cognito `sub`). */
  users: (tenantId: string) => `T#${tenantId}#user`,
  userSk: (userId: string) => userId,
  /** A user's in-app notifications, newest first: sk `<at>#<id>`. */
  notifications: (tenantId: string, userId: string) => `T#${tenantId}#notif#${userId}`,
  /** `id` is what makes the notification once-only, e.g. `<eventId>:<kind>`. */
  notificationSk: (at: string, id: string) => `${at}#${id}`,
  /** A user's tasks by due date: sk `<dueAt>#<leadId>`. */
  tasks: (tenantId: string, userId: string) => `T#${tenantId}#task#${userId}`,
  taskSk: (dueAt: string, subjectId: string) => `${dueAt}#${subjectId}`,

  // --- marketing (issue 10): each part's keys in keys-<part>.ts --------------------------------------
  ...consentKeys,
  ...templatesKeys,
  ...campaignsKeys,
  ...journeysKeys,
  ...scoringKeys,
} as const;

/**
 * Who a rate window or an idempotency key belongs to (the `<scope>` in `T#t#rate#<scope>` and
 * `T#t#idem#<scope>#<key>`).
 */
export const scopes = {
  partner: (partnerId: string) => `partner:${partnerId}`,
  form: (formId: string) => `form:${formId}`,
  /** One visitor address on one form. */
  formVisitor: (formId: string, sourceIp: string) => `form:${formId}:${sourceIp}`,
} as const;

/** Normalised, sortable form of a display name for list ordering and prefix search. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}
