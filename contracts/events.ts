import * as z from 'zod/mini';
import { LEAD_STATUSES } from '../schemas/lead.ts';
import { event, snapshot, v1, recordEvents, type CatalogueEntry } from './event-kit.ts';
import { marketingEvents } from './marketing/index.ts';

/**
 * The event catalogue (architecture rule 2: events are a typed catalogue): every domain event Cirrus puts on
 * its bus, by name and version, with the zod schema of its payload (the EventBridge `detail`). The record
 * service stamps each outbox item with its name and current version and refuses an uncatalogued one;
 * consumers read `detail` through `parseEvent` instead of casting a record snapshot; the declared EventBridge
 * rules name catalogue events; integrators read it as AsyncAPI at `GET /api/events.json`.
 *
 * A breaking change to a payload is a new version next to the old one (consumers parse what they get); a
 * field added with `optional` is not breaking.
 */

/** `source` of every Cirrus domain event on the bus; `detail-type` is the event name, e.g. contact.created. */
export const EVENT_SOURCE = 'cirrus.crm';

const accountData = z.looseObject({ ...snapshot, name: z.string() });
const contactData = z.looseObject({ ...snapshot, firstName: z.optional(z.string()), lastName: z.optional(z.string()), email: z.optional(z.string()), accountId: z.optional(z.string()) });
const opportunityData = z.looseObject({
  ...snapshot, name: z.string(), accountId: z.optional(z.string()),
  pipelineId: z.optional(z.string()), stage: z.optional(z.string()), probability: z.optional(z.int()),
  amount: z.optional(z.object({ amount: z.int(), currency: z.string() })), closeDate: z.optional(z.string()), closedAt: z.optional(z.string()),
});
const activityData = z.looseObject({
  ...snapshot, name: z.string(), type: z.string(), done: z.optional(z.boolean()),
  dueAt: z.optional(z.string()), startAt: z.optional(z.string()), remindAt: z.optional(z.string()),
  relatedTo: z.optional(z.array(z.object({ object: z.string(), id: z.string() }))),
});
/** A support ticket (SVC-1) after the change: its number, status, priority, queue and SLA targets. */
const ticketData = z.looseObject({
  ...snapshot, name: z.string(), number: z.string(), status: z.string(), priority: z.optional(z.string()),
  channel: z.optional(z.string()), queueId: z.optional(z.string()), assigneeId: z.optional(z.string()),
  contactId: z.optional(z.string()), accountId: z.optional(z.string()),
  sla: z.optional(z.looseObject({ policyId: z.string() })),
});
/** A knowledge-base article (SVC-2) after the change: its language, status and published revision. */
const articleData = z.looseObject({
  ...snapshot, name: z.string(), language: z.string(), status: z.string(), visibility: z.optional(z.string()),
  translationOf: z.optional(z.string()), publishedRevision: z.optional(z.number()),
});
const leadData = z.looseObject({
  ...snapshot,
  status: z.enum(LEAD_STATUSES),
  name: z.optional(z.string()),
  email: z.optional(z.string()),
  phone: z.optional(z.string()),
  company: z.optional(z.string()),
  source: z.optional(z.string()),
  ownerManagerId: z.optional(z.string()),
  /** Set when an owner was given the lead; the call-back timer is named after it. */
  assignedAt: z.optional(z.string()),
  callbackDueAt: z.optional(z.string()),
  lastContactedAt: z.optional(z.string()),
  callbackOverdueAt: z.optional(z.string()),
});

/**
 * A metadata change: which field of which object (`subject.id` is `<object>.<field>`), or which custom object
 * (`subject.id` is the object, no `field`).
 */
const metadataData = z.looseObject({
  object: z.string(),
  field: z.optional(z.string()),
  change: z.enum([
    'field-added', 'field-changed', 'field-deactivated', 'field-restored',
    'object-added', 'object-changed', 'object-deactivated', 'object-restored', 'fields-reordered',
  ]),
  metadataVersion: z.int(),
});

/**
 * A field purge (a deactivated custom field's values taken off every record of its object by a job):
 * `subject.id` is `<object>.<field>`; `data.jobId` is the job (`GET /api/metadata/jobs/{id}`).
 */
const fieldPurgeData = z.looseObject({
  object: z.string(),
  field: z.string(),
  jobId: z.string(),
  metadataVersion: z.int(),
  /** On `metadata.field_purged`: records read and records whose value was taken off. */
  examined: z.optional(z.int()),
  cleared: z.optional(z.int()),
});

/**
 * A record of a custom object (`subject.type` is the object's API name, e.g. `c_projects`): its custom values
 * are top-level `c_` fields, a relation's value is the target's id.
 */
const customRecordData = z.looseObject({ ...snapshot, name: z.string() });
/** Record visibility of an object changed (CD-7): `data.roles` holds each role's read/edit level now. */
const sharingData = z.looseObject({
  object: z.string(),
  roles: z.record(z.string(), z.object({ read: z.enum(['own', 'team', 'all']), edit: z.enum(['own', 'team', 'all']) })),
  version: z.int(),
});

export const eventCatalogue = {
  ...recordEvents('account', 'account', accountData),
  ...recordEvents('contact', 'contact', contactData),
  ...recordEvents('opportunity', 'opportunity', opportunityData),
  ...recordEvents('lead', 'lead', leadData),
  ...recordEvents('activity', 'activity (call, meeting, email, note or task)', activityData),
  ...recordEvents('ticket', 'support ticket', ticketData),
  'ticket.replied': v1('An agent replied to the customer on the ticket (emailed from the support address); `data.lastMessageId` names the message.', event(ticketData)),
  'ticket.sla_warning': v1('An SLA target of the ticket reached its warning moment (`data.slaTarget`: firstResponse or resolution); the assignee is told.', event(ticketData)),
  'ticket.sla_breached': v1('An SLA target of the ticket passed its due moment: the breach is recorded (`sla.<target>.breachedAt`), the assignee and the queue\'s manager are told, and the policy may raise the priority or move the ticket.', event(ticketData)),
  'ticket.assigned': v1('The ticket\'s queue gave it to an agent (`data.assigneeId`), who is told.', event(ticketData)),
  'ticket.customer_replied': v1('The customer answered by email or in the portal: the message is in the thread (`data.lastMessageId`), a pending ticket is open again, a solved one reopened.', event(ticketData)),
  'ticket.merged': v1('The ticket was merged into another (`data.mergedInto`): its conversation is there now, and it is closed.', event(ticketData)),
  'ticket.rated': v1('The customer answered the CSAT survey of the ticket (`data.csat`: score 1–5, comment).', event(ticketData)),
  ...recordEvents('article', 'knowledge-base article', articleData),
  'article.published': v1('The article\'s working copy was published as its next revision (`data.publishedRevision`): customers read it on the portal (when public).', event(articleData)),
  'article.unpublished': v1('The article was taken off the portal (`data.status`: draft, or archived).', event(articleData)),
  'ticket.noted': v1('An agent added an internal note to the ticket (never emailed).', event(ticketData)),
  'opportunity.released': v1('The deal went to the shared pool (no activity for the tenant\'s pool days, or its owner released it): `ownerId` is `pool`, `pooledFrom` the previous owner.', event(opportunityData)),
  'opportunity.claimed': v1('A rep claimed the deal from the shared pool: `ownerId` and `claimedBy` name them.', event(opportunityData)),
  'lead.released': v1('The lead went to the shared pool (no activity for the tenant\'s pool days, or its owner released it).', event(leadData)),
  'lead.claimed': v1('A rep claimed the lead from the shared pool.', event(leadData)),
  'opportunity.stage_changed': v1(
    'An opportunity moved to another stage (or pipeline); `changes` names every field of the change, `data` is the deal after it (its stage, probability, and closedAt when won or lost). The stage history holds from, to, who, when and the time in the stage before.',
    event(opportunityData),
  ),
  /** Custom objects share one set of names; the object is `subject.type` (a rule matches it with `detail.subject.type`). */
  ...recordEvents('record', 'record of a custom object (`subject.type` names the object, e.g. c_projects)', customRecordData),
  'lead.assigned': v1('A lead was given to an owner (by a rule, a claim or by hand); the call-back window starts.', event(leadData)),
  'lead.queued': v1('No rule or no available owner: the lead waits in the shared queue to be claimed.', event(leadData)),
  'lead.contacted': v1('The owner logged contact with the lead (or moved it to contacted).', event(leadData)),
  'lead.activity-logged': v1('A call, email, meeting or note was logged on a lead that was already contacted.', event(leadData)),
  'lead.qualified': v1('The lead was qualified.', event(leadData)),
  'lead.disqualified': v1('The lead was disqualified; `data.disqualifiedReason` says why.', event(leadData)),
  'lead.converted': v1('The lead became an account, a contact and optionally an opportunity; `data.convertedTo` links them.', event(leadData)),
  'lead.callback-overdue': v1('The call-back window passed without contact: the owner is reminded and their manager told.', event(leadData)),
  'metadata.changed': v1(
    'An admin changed the objects and fields of the workspace: `data.change` is field-added, field-changed, field-deactivated, field-restored, object-added, object-changed, object-deactivated, object-restored or fields-reordered (the order of the object\'s fields, PUT …/layout); `data.metadataVersion` is the version it made.',
    event(metadataData),
  ),
  'metadata.field_purge_requested': v1(
    'An admin asked to purge a deactivated custom field: the field is now `purging` (gone from metadata, no restore) and the job `data.jobId` takes its values off every record of `data.object`.',
    event(fieldPurgeData),
  ),
  'metadata.field_purged': v1(
    'A field purge finished: no record holds a value of the field any more (nor its list-index items, search tokens or relation links), the field is deleted and its API name is free; `data.examined` and `data.cleared` count the records.',
    event(fieldPurgeData),
  ),
  'sharing.changed': v1(
    'An admin changed who may read and edit the records of an object (`subject.id` is the object); `data.roles` is every role\'s read/edit level now (own, team or all).',
    event(sharingData),
  ),
  // Issue 10 (marketing): consent, email delivery, templates, campaigns, journeys and lead scoring.
  ...marketingEvents,
} as const;

export type EventName = keyof typeof eventCatalogue;
export const eventNames = Object.keys(eventCatalogue) as EventName[];
/** The payload of an event, as its current version's schema reads it. */
export type EventPayload<N extends EventName> = z.infer<(typeof eventCatalogue)[N]['versions'][1]>;

export const isCatalogued = (name: string): name is EventName => Object.hasOwn(eventCatalogue, name);

/** The version Cirrus publishes today (the highest in the catalogue). */
export function currentVersion(name: EventName): number {
  return Math.max(...Object.keys(eventCatalogue[name].versions).map(Number));
}

/** An event that is not in the catalogue, or whose payload does not match its version's schema. */
export class EventContractError extends Error {
  constructor(message: string, readonly issues: readonly string[] = []) {
    super(issues.length ? `${message}: ${issues.join('; ')}` : message);
    this.name = 'EventContractError';
  }
}

/** Throws unless `name` is catalogued: the outbox refuses to publish anything else. */
export function assertCatalogued(name: string): asserts name is EventName {
  if (!isCatalogued(name)) throw new EventContractError(`Event ${name} is not in the event catalogue (contracts/events.ts)`);
}

/**
 * Reads an EventBridge `detail` as the catalogue says: the consumer names the events it accepts, and gets the
 * payload typed. Items written before versions existed count as version 1.
 */
export function parseEvent<N extends EventName>(detail: unknown, accepted: readonly N[]): EventPayload<N> {
  const d = (detail ?? {}) as { name?: unknown; version?: unknown };
  const name = String(d.name);
  if (!(accepted as readonly string[]).includes(name)) throw new EventContractError(`Expected one of ${accepted.join(', ')}, got ${name}`);
  const entry = eventCatalogue[name as N] as CatalogueEntry;
  const version = d.version === undefined ? 1 : Number(d.version);
  const schema = entry.versions[version];
  if (!schema) throw new EventContractError(`Event ${name} has no version ${String(d.version)} in the catalogue`);
  const parsed = z.safeParse(schema, { ...(detail as object), version });
  if (!parsed.success) {
    throw new EventContractError(`Event ${name} v${version} does not match the catalogue`, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  return parsed.data as EventPayload<N>;
}

/** Detail-type values for an EventBridge rule, checked against the catalogue at compile time. */
export const detailTypes = <N extends EventName>(...names: N[]): N[] => names;

const jsonSchema = (s: z.ZodMiniType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

/**
 * The catalogue as an AsyncAPI 3.0 document: one channel per event (its EventBridge detail-type on the
 * Cirrus bus, source `cirrus.crm`), one message per version with the JSON Schema of `detail`.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const name of eventNames) {
    const entry = eventCatalogue[name] as CatalogueEntry;
    const refs: Record<string, unknown> = {};
    for (const [version, schema] of Object.entries(entry.versions)) {
      const id = `${name}.v${version}`;
      messages[id] = {
        name,
        title: `${name} v${version}`,
        summary: entry.summary,
        contentType: 'application/json',
        payload: jsonSchema(schema),
        'x-eventbridge': { source: EVENT_SOURCE, detailType: name, version: Number(version) },
      };
      refs[id] = { $ref: `#/components/messages/${id}` };
    }
    channels[name] = { address: name, description: entry.summary, messages: refs };
    operations[`on.${name}`] = { action: 'receive', channel: { $ref: `#/channels/${name}` }, summary: `Receive ${name} from the Cirrus event bus` };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Cirrus CRM events',
      version: '1.0.0',
      description: `Domain events on the Cirrus EventBridge bus. Each is an EventBridge event with source "${EVENT_SOURCE}", detail-type = the event name, and detail = the payload below; consumers should accept fields they do not know.`,
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
