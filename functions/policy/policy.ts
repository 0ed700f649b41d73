import type { Role } from '#contracts/roles.ts';
import { SHARED_ROLES, SHARING_LEVELS, type SharedRole, type SharingLevel } from '#schemas/sharing.ts';
import { RESTRICTED_STANDARD_FIELDS, standardFieldPermissions } from '#schemas/standard-objects.ts';

/**
 * The one policy module (architecture rule 5): who may do what to which record, field and setting, for
 * people and for system actors alike. Every route, workflow and event consumer asks `can` (or `assertCan`);
 * nothing else in the code decides access. `/api/me` hands the same answers to the web app, so it never
 * offers a button the server would refuse. The table of decisions is tested in test/unit/policy.test.ts.
 */

/** A signed-in person of a tenant, from the verified token. */
export interface UserActor {
  readonly kind?: 'user';
  readonly tenantId: string;
  readonly userId: string;
  readonly role: Role;
  readonly name: string;
  readonly email: string;
}

/** The product itself, acting on its own: never a fake admin or rep. */
export type SystemName = 'assignment' | 'callback-timer' | 'intake' | 'stream' | 'seed' | 'field-purge' | 'follow-up' | 'sla' | 'mail' | 'survey' | 'portal' | 'chat' | 'nps';
export interface SystemActor {
  readonly kind: 'system';
  readonly tenantId: string;
  readonly system: SystemName;
  /** Audit and timeline show it: `system:assignment`, or the intake's source (`partner-id`, `form:<id>`). */
  readonly userId: string;
  readonly name: string;
}

export type Actor = UserActor | SystemActor;

export const systemActor = (tenantId: string, system: SystemName, name: string, id = `system:${system}`): SystemActor => ({
  kind: 'system', tenantId, system, userId: id, name,
});
export const isSystem = (a: Actor): a is SystemActor => a.kind === 'system';

/** Staff records of the CRM core (custom objects join them in the metadata issue). */
export type RecordType = 'account' | 'contact' | 'lead' | 'opportunity' | (string & {});

export type Action =
  | 'record:read' | 'record:create' | 'record:update' | 'record:delete' | 'record:restore'
  /** Give a record to `ownerId` (create with an owner, change the owner). */
  | 'record:assign'
  | 'field:read' | 'field:write'
  | 'lead:claim' | 'lead:log-activity' | 'lead:convert'
  | 'partners:manage'
  | 'forms:read' | 'forms:manage'
  | 'assignment-rules:read' | 'assignment-rules:manage' | 'follow-up:manage'
  /** Everyone's name and role (owner pickers). */
  | 'users:list'
  /** Workload (open leads), away flag and reporting line of others. */
  | 'users:read-workload'
  /** Change a user's settings: `field` is away, language or timeZone; `target` the user. */
  | 'users:update'
  /** GET /api/metadata: the objects and fields the caller may see (every signed-in user). */
  | 'metadata:read'
  /** Add, change, deactivate and restore custom fields (admins). */
  | 'metadata:manage'
  /** Read or write a custom field's value: decided by the field's per-role permissions (`fieldAccess`). */
  | 'custom-field:read' | 'custom-field:write'
  /** Change or delete a saved view (decided by canEditView). */
  | 'view:edit'
  /** See and set record visibility per object and role (admins). */
  | 'sharing:manage'
  /** Create and change pipelines and their stages (admins); everyone reads them. */
  | 'pipelines:manage'
  /** Change the service desk's settings: calendars, SLA policies, queues, routing, macros, addresses, portal (admins). */
  | 'service-desk:manage'
  /** Publish, unpublish or archive a knowledge-base article (SVC-2): the support team and admins; anyone may draft. */
  | 'article:publish'
  /** Forecast figures of `target` (a user): one's own, a manager their reports', an admin everyone's. */
  | 'forecast:read'
  /** Set sales quotas of `target`: a manager for their reports, an admin for anyone. */
  | 'quotas:manage'
  // Issue 10 (marketing): templates, campaigns (and sending them), journeys, lead scoring, a person's email consent.
  | 'email-templates:read' | 'email-templates:manage'
  | 'campaigns:read' | 'campaigns:manage' | 'campaigns:send'
  | 'journeys:read' | 'journeys:manage'
  | 'scoring:read' | 'scoring:manage'
  | 'consent:update'
  | 'marketing-settings:manage';

export interface Resource {
  readonly type?: RecordType;
  /** The record as stored (ownerId matters). */
  readonly record?: { readonly ownerId?: unknown };
  /** The owner a record is being given to. */
  readonly ownerId?: string;
  /** The user whose settings change. */
  readonly target?: { readonly id: string; readonly role?: string; readonly managerId?: string };
  /** A custom field's per-role permissions from metadata (a role not named may write). */
  readonly fieldAccess?: Readonly<Partial<Record<Role, 'none' | 'read' | 'write'>>>;
  /**
   * Record visibility (CD-7): the caller's role's sharing on `type` (from the tenant's settings; the
   * defaults below when absent) and the caller's team (user ids, the caller included). Without a team the
   * caller's team is just themselves.
   */
  readonly sharing?: ObjectSharing;
  readonly team?: readonly string[];
}

// --- record visibility (CD-7) ---------------------------------------------------------------------------

/** How far a role's reach goes on an object: records they own, their team's, or every record (schemas/sharing.ts). */
export { SHARED_ROLES, SHARING_LEVELS, type SharedRole, type SharingLevel };
export interface ObjectSharing {
  readonly read: SharingLevel;
  readonly edit: SharingLevel;
}
export type RoleSharing = Readonly<Record<SharedRole, ObjectSharing>>;

/** `own` < `team` < `all`: an edit level is never wider than the read level (PUT sharing answers 400). */
export const sharingRank = (l: SharingLevel): number => SHARING_LEVELS.indexOf(l);

const level = (read: SharingLevel, edit: SharingLevel): ObjectSharing => ({ read, edit });
/**
 * The defaults (issue 7): reps read all accounts and contacts and edit their own; they read and edit only
 * their own leads (plus the unassigned queue they may claim) and opportunities. Managers read all accounts
 * and contacts and edit their team's; read and edit their team's leads and opportunities. Marketers read
 * every account, contact and lead (campaign audiences) and edit only what they own; agents (support) read
 * every account and contact and edit their own, and see only the leads and opportunities they own.
 * Custom objects start as accounts do: read all, edit own (managers: team).
 */
export const DEFAULT_SHARING: Readonly<Record<'account' | 'contact' | 'lead' | 'opportunity' | 'ticket' | 'article' | '*', RoleSharing>> = {
  account: { rep: level('all', 'own'), manager: level('all', 'team'), marketer: level('all', 'own'), agent: level('all', 'own') },
  contact: { rep: level('all', 'own'), manager: level('all', 'team'), marketer: level('all', 'own'), agent: level('all', 'own') },
  lead: { rep: level('own', 'own'), manager: level('team', 'team'), marketer: level('all', 'own'), agent: level('own', 'own') },
  opportunity: { rep: level('own', 'own'), manager: level('team', 'team'), marketer: level('own', 'own'), agent: level('own', 'own') },
  // The knowledge base is the support team's: agents and managers edit every article; others read them and edit their own drafts.
  article: { rep: level('all', 'own'), manager: level('all', 'all'), marketer: level('all', 'own'), agent: level('all', 'all') },
  // Support works shared queues: every agent and manager reads and works every ticket; reps see their customers' tickets.
  ticket: { rep: level('all', 'own'), manager: level('all', 'all'), marketer: level('own', 'own'), agent: level('all', 'all') },
  '*': { rep: level('all', 'own'), manager: level('all', 'team'), marketer: level('all', 'own'), agent: level('all', 'own') },
};

export const defaultSharing = (type: string): RoleSharing =>
  DEFAULT_SHARING[(type in DEFAULT_SHARING ? type : '*') as keyof typeof DEFAULT_SHARING];

/** The sharing that applies to `role` on `type` given the tenant's settings (admins: all, all). */
export function sharingFor(role: Role, type: string, settings?: Partial<RoleSharing>): ObjectSharing {
  if (role === 'admin') return level('all', 'all');
  return settings?.[role] ?? defaultSharing(type)[role];
}

/** A shared queue of unassigned leads (`queue:*`) or the shared pool (`pool`, SFA-6): not a person. */
const isQueue = (ownerId: unknown) => typeof ownerId === 'string' && (ownerId.startsWith('queue:') || ownerId === 'pool');

/**
 * Is the record within `lvl` of the actor? `own`: they own it; `team`: its owner is in their team; `all`.
 * A record in a shared queue or the shared pool is readable by everyone in the tenant (reps claim from the pool);
 * a lead in a shared queue is readable by everyone in the tenant (sales roles claim it; support agents see
 * the inquiries nobody owns yet when a caller asks, issue 3), and editable by managers at `team` (they hand
 * queued leads out by hand).
 */
function within(actor: UserActor, lvl: SharingLevel, r: Resource, mode: 'read' | 'edit'): boolean {
  if (lvl === 'all') return true;
  const ownerId = r.record?.ownerId;
  if (ownerId === actor.userId) return true;
  if (isQueue(ownerId)) return mode === 'read' || (lvl === 'team' && managerOrAdmin(actor.role));
  if (lvl === 'own') return false;
  return typeof ownerId === 'string' && (r.team ?? []).includes(ownerId);
}

const sharingOf = (actor: UserActor, r: Resource): ObjectSharing =>
  actor.role === 'admin' ? level('all', 'all') : (r.sharing ?? defaultSharing(r.type ?? '*')[actor.role as SharedRole]);

/**
 * Standard fields with per-role permissions in their metadata (schemas/standard-objects.ts: a contact's
 * nationalId is for managers and admins only), by record type.
 */
export const SENSITIVE_FIELDS: Readonly<Record<string, readonly string[]>> = RESTRICTED_STANDARD_FIELDS;

/** A field's permission for a role from its metadata: a role not named may write; admins always may. */
const fieldLevel = (access: Resource['fieldAccess'], role: Role) => (role === 'admin' ? 'write' : access?.[role] ?? 'write');

/**
 * Workflow bookkeeping on records: kept for the system (idempotency, timers, assignment), never shown to or
 * set by people.
 */
export const INTERNAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  lead: ['assignmentEventId', 'conversion', 'conversionId'],
};

const SALES: readonly Role[] = ['admin', 'manager', 'rep'];
const managerOrAdmin = (role: Role) => role === 'admin' || role === 'manager';
const ownedBy = (r: Resource, userId: string) => r.record?.ownerId === userId;

/** What each system actor may do; anything else is refused like a person's would be. */
const SYSTEM_GRANTS: Readonly<Record<SystemName, readonly Action[]>> = {
  // Rules give new leads owners (SFA-2).
  assignment: ['record:read', 'record:update', 'record:assign', 'field:read', 'field:write', 'assignment-rules:read', 'users:read-workload', 'users:list', 'custom-field:read'],
  // Marks an unanswered lead overdue (SFA-5).
  'callback-timer': ['record:read', 'record:update', 'field:read', 'field:write', 'users:list', 'custom-field:read'],
  // SLA timers record a warning or breach on the ticket and escalate it (raise the priority, hand it to a queue).
  sla: ['record:read', 'record:update', 'record:assign', 'field:read', 'field:write', 'users:list', 'custom-field:read'],
  // Support email opens tickets and threads customers' replies into them (SVC-1); it creates nothing else.
  mail: ['record:create', 'record:read', 'record:update', 'field:read', 'field:write', 'users:list', 'custom-field:read'],
  // A customer signed in to the portal opens tickets and answers on their own (functions/portal/handlers.ts decides which are theirs).
  portal: ['record:create', 'record:read', 'record:update', 'field:read', 'field:write', 'users:list', 'custom-field:read'],
  // A signed chat webhook opens tickets and threads a conversation's messages into them (SVC-1); it creates nothing else.
  chat: ['record:create', 'record:read', 'record:update', 'field:read', 'field:write', 'users:list', 'custom-field:read'],
  // The periodic NPS survey reads its segment's contacts and records each answer on the contact (SVC-5).
  nps: ['record:read', 'record:update', 'field:read', 'field:write', 'users:list', 'custom-field:read'],
  // A customer's CSAT answer is put on their ticket (SVC-5).
  survey: ['record:read', 'record:update', 'field:read', 'field:write', 'users:list', 'custom-field:read'],
  // The follow-up watchdog releases quiet records to the shared pool (SFA-6).
  'follow-up': ['record:read', 'record:update', 'field:read', 'field:write', 'users:list', 'custom-field:read'],
  // Partner webhooks and web forms create leads (SFA-1); they never read people's data back.
  intake: ['record:create', 'record:read', 'record:update', 'field:write', 'custom-field:write'],
  // The outbox relay only forwards what was written.
  stream: [],
  // The field purge job takes a deactivated field's values off records; it writes through its own store, asking nothing of the policy.
  'field-purge': [],
  // `npm start` seeds demo data.
  seed: ['record:create', 'record:read', 'record:update', 'record:assign', 'field:read', 'field:write', 'assignment-rules:manage', 'custom-field:read', 'custom-field:write'],
};

/**
 * May `actor` do `action` on `resource` (and `field`)? Tenant isolation is not decided here: every key
 * starts with the actor's tenant, so another tenant's record is never found.
 */
export function can(actor: Actor, action: Action, resource: Resource = {}, field?: string): boolean {
  if (isSystem(actor)) {
    if (!SYSTEM_GRANTS[actor.system].includes(action)) return false;
    // Intake creates leads only.
    if (actor.system === 'intake' && action === 'record:create') return resource.type === 'lead';
    // Support email creates tickets only.
    if ((actor.system === 'mail' || actor.system === 'portal' || actor.system === 'chat') && action === 'record:create') return resource.type === 'ticket';
    return true;
  }
  const { role, userId } = actor;
  switch (action) {
    case 'record:create':
      return true;
    case 'record:read':
      // Without a record: may the actor read some records of the type (lists, search)? Always.
      return !resource.record || within(actor, sharingOf(actor, resource).read, resource, 'read');
    case 'record:update':
    case 'record:delete':
    case 'record:restore': {
      const s = sharingOf(actor, resource);
      return within(actor, s.read, resource, 'read') && within(actor, s.edit, resource, 'edit');
    }
    case 'record:assign':
      return resource.ownerId === userId || managerOrAdmin(role);
    case 'field:read':
      if (field && INTERNAL_FIELDS[resource.type ?? '']?.includes(field)) return false;
      return !field || fieldLevel(standardFieldPermissions(resource.type ?? '', field), role) !== 'none';
    case 'field:write':
      if (field && INTERNAL_FIELDS[resource.type ?? '']?.includes(field)) return false;
      return !field || fieldLevel(standardFieldPermissions(resource.type ?? '', field), role) === 'write';
    case 'lead:claim':
      return SALES.includes(role);
    case 'lead:log-activity':
    case 'lead:convert':
      return SALES.includes(role) && (ownedBy(resource, userId) || managerOrAdmin(role));
    case 'partners:manage':
      return role === 'admin';
    case 'forms:read':
    case 'forms:manage':
      return role === 'admin' || role === 'marketer';
    case 'assignment-rules:read':
      return managerOrAdmin(role);
    case 'assignment-rules:manage':
    case 'follow-up:manage':
      return role === 'admin';
    case 'users:list':
      return true;
    case 'users:read-workload':
      return managerOrAdmin(role);
    case 'users:update': {
      const target = resource.target;
      if (!target) return false;
      if (target.id === userId || role === 'admin') return true;
      // A manager may mark their team away (holidays, sick leave), never another manager or an admin,
      // and never change someone else's language or time zone.
      // Skills (what the service desk routes by) likewise: an admin, or the agent's manager.
      return role === 'manager' && (field === 'away' || field === 'skills') && target.role !== 'admin' && target.role !== 'manager';
    }
    case 'metadata:read':
      return true;
    case 'metadata:manage':
      return role === 'admin';
    case 'sharing:manage':
    case 'pipelines:manage':
    case 'service-desk:manage':
      return role === 'admin';
    case 'article:publish':
      return role === 'admin' || role === 'manager' || role === 'agent';
    case 'forecast:read': {
      const target = resource.target;
      if (!target) return true; // some figures (at least one's own)
      return role === 'admin' || target.id === userId || (role === 'manager' && target.managerId === userId);
    }
    case 'quotas:manage': {
      const target = resource.target;
      return role === 'admin' || (role === 'manager' && Boolean(target) && target!.managerId === userId);
    }
    // Marketing (issue 10): marketers and admins build and send; everyone reads results (a rep sees what their
    // leads were sent); staff who may edit a contact or lead record a consent the person gave them.
    case 'email-templates:read':
    case 'campaigns:read':
    case 'journeys:read':
    case 'scoring:read':
      return true;
    case 'email-templates:manage':
    case 'campaigns:manage':
    case 'campaigns:send':
    case 'journeys:manage':
    case 'scoring:manage':
      return role === 'admin' || role === 'marketer';
    case 'marketing-settings:manage':
      return role === 'admin';
    case 'consent:update':
      return true;
    case 'custom-field:read':
      return fieldLevel(resource.fieldAccess, role) !== 'none';
    case 'custom-field:write':
      return fieldLevel(resource.fieldAccess, role) === 'write';
    default:
      return false;
  }
}

/** Refused: carries what was refused so the edge can say it (403 problem naming fields). */
export class PolicyDenied extends Error {
  constructor(
    message: string,
    readonly action: Action,
    readonly fields: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'PolicyDenied';
  }
}

const WHY: Partial<Record<Action, string>> = {
  'record:update': 'Only the owner, a manager or an admin may change this record.',
  'record:delete': 'Only the owner, a manager or an admin may delete this record.',
  'record:restore': 'Only the owner, a manager or an admin may restore this record.',
  'record:assign': 'Only a manager or an admin may assign a record to someone else.',
  'lead:claim': 'Only sales reps, managers and admins claim leads.',
  'lead:log-activity': 'Only the lead\'s owner, a manager or an admin may log contact on this lead.',
  'lead:convert': 'Only the lead\'s owner, a manager or an admin may convert this lead.',
  'partners:manage': 'Only admins manage partners.',
  'forms:read': 'Only admins and marketers manage web-to-lead forms.',
  'forms:manage': 'Only admins and marketers build forms.',
  'assignment-rules:read': 'Only managers and admins see assignment rules.',
  'assignment-rules:manage': 'Only admins edit assignment rules.',
  'follow-up:manage': 'Only admins change the follow-up settings.',
  'users:update': 'You may only change your own settings; a manager may mark their team away.',
  'metadata:manage': 'Only admins change objects and fields.',
  'custom-field:write': 'Your role may not set these fields.',
  'sharing:manage': 'Only admins see and set who may read and edit records.',
  'email-templates:manage': 'Only marketers and admins edit email templates.',
  'campaigns:manage': 'Only marketers and admins manage campaigns.',
  'campaigns:send': 'Only marketers and admins send campaigns.',
  'journeys:manage': 'Only marketers and admins build journeys.',
  'scoring:manage': 'Only marketers and admins change lead scoring.',
  'marketing-settings:manage': 'Only admins change the marketing settings.',
};

export function assertCan(actor: Actor, action: Action, resource: Resource = {}, field?: string): void {
  if (can(actor, action, resource, field)) return;
  const fields = action === 'record:assign'
    ? [{ path: 'ownerId', message: 'You may only assign records to yourself' }]
    : field ? [{ path: field, message: 'You may not change this field' }] : [];
  throw new PolicyDenied(WHY[action] ?? 'You may not do this.', action, fields);
}

/** Refuses a write that touches fields the actor may not set, naming every one. */
export function assertFieldsWritable(actor: Actor, type: RecordType, fields: Iterable<string>): void {
  const refused = [...fields].filter((f) => !can(actor, 'field:write', { type }, f));
  if (refused.length === 0) return;
  const sensitive = refused.every((f) => SENSITIVE_FIELDS[type]?.includes(f));
  throw new PolicyDenied(
    sensitive ? 'Only managers and admins may set these fields.' : 'These fields are kept by Cirrus and cannot be set.',
    'field:write',
    refused.map((path) => ({ path, message: sensitive ? 'Only managers and admins may set this field' : 'This field cannot be set' })),
  );
}

/** The record as this actor may see it: fields it may not read removed. */
export function visibleFields<T extends Record<string, unknown>>(actor: Actor, type: RecordType, record: T): T {
  const hidden = [...(SENSITIVE_FIELDS[type] ?? []), ...(INTERNAL_FIELDS[type] ?? [])].filter((f) => f in record && !can(actor, 'field:read', { type }, f));
  if (hidden.length === 0) return record;
  const copy: Record<string, unknown> = { ...record };
  for (const f of hidden) delete copy[f];
  return copy as T;
}

/**
 * What the web app may offer this person (served in `/api/me`): the answers of `can` for the actions that
 * do not depend on one record, and the rule for those that do (`own` = records they own, `any` = all).
 */
export function capabilities(actor: UserActor, sharing: Readonly<Record<string, Partial<RoleSharing> | undefined>> = {}, team: readonly string[] = [actor.userId]) {
  // On an account-like object (custom objects' defaults), with someone else of the team as the owner: `any`
  // means beyond one's own records — how far exactly, per object, is `visibility` (with `team`).
  const recordRule = (action: 'record:update' | 'record:delete' | 'record:restore') =>
    can(actor, action, { record: { ownerId: '\u0000someone-else' }, team: ['\u0000someone-else'] }) ? 'any' : can(actor, action, { record: { ownerId: actor.userId } }) ? 'own' : 'none';
  return {
    records: { update: recordRule('record:update'), delete: recordRule('record:delete'), restore: recordRule('record:restore'), assignToOthers: can(actor, 'record:assign', { ownerId: '\u0000someone-else' }) },
    fields: Object.fromEntries(Object.entries(SENSITIVE_FIELDS).map(([type, fields]) => [type, Object.fromEntries(fields.map((f) => [f, can(actor, 'field:write', { type }, f)]))])),
    /**
     * Record visibility per record type (CD-7): `read`/`edit` levels of the caller's role. Edit is offered on a
     * record when `edit` is `all`, or `team` and its owner is in `team`, or `own` and the caller owns it.
     */
    visibility: Object.fromEntries(['account', 'contact', 'lead', 'opportunity', ...Object.keys(sharing)].map((type) => [type, sharingFor(actor.role, type, sharing[type])])),
    team,
    leads: { claim: can(actor, 'lead:claim'), logActivity: can(actor, 'lead:log-activity', { record: { ownerId: actor.userId } }), convert: can(actor, 'lead:convert', { record: { ownerId: actor.userId } }) },
    settings: {
      partners: can(actor, 'partners:manage'),
      forms: can(actor, 'forms:manage'),
      assignmentRulesRead: can(actor, 'assignment-rules:read'),
      assignmentRulesManage: can(actor, 'assignment-rules:manage'),
      /** Settings → Objects and fields (issue 7): custom objects, fields and record visibility. */
      objects: can(actor, 'metadata:manage'),
      /** Settings → Marketing (issue 10): subscription types, sender, sending rate. */
      marketing: can(actor, 'marketing-settings:manage'),
    },
    /** Marketing (issue 10): who builds and sends templates, campaigns, journeys and the lead score. */
    marketing: {
      templates: can(actor, 'email-templates:manage'),
      campaigns: can(actor, 'campaigns:manage'),
      send: can(actor, 'campaigns:send'),
      journeys: can(actor, 'journeys:manage'),
      scoring: can(actor, 'scoring:manage'),
    },
    // Marking someone else away: asked for a rep of the team (managers and admins are never a manager's to mark).
    users: { readWorkload: can(actor, 'users:read-workload'), markTeamAway: can(actor, 'users:update', { target: { id: '\u0000someone-else', role: 'rep' } }, 'away') },
  } as const;
}
export type Capabilities = ReturnType<typeof capabilities>;

// --- saved views (issue 7, functions/views) -------------------------------------------------------------

/** A saved view's sharing and owner, and the directory entries that decide "team". */
export interface ViewAccess {
  readonly shared: 'private' | 'team' | 'all';
  readonly ownerId: string;
  /** The owner's manager (from the directory), if any. */
  readonly ownerManagerId?: string;
  /** The reader's manager (from the directory), if any. */
  readonly readerManagerId?: string;
}

/**
 * May `actor` see (and apply) a saved view? Its owner always; `all`: everyone in the tenant; `team`: the
 * owner's team — users with the same manager, the owner's manager and the owner's reports; `private`: only
 * the owner. Admins see every shared view, not others' private ones.
 */
export function canSeeView(actor: Actor, view: ViewAccess): boolean {
  if (isSystem(actor)) return false;
  if (view.ownerId === actor.userId || view.shared === 'all') return true;
  if (view.shared === 'private') return false;
  if (actor.role === 'admin') return true;
  return (view.ownerManagerId !== undefined && view.ownerManagerId === view.readerManagerId)
    || view.ownerManagerId === actor.userId
    || (view.readerManagerId !== undefined && view.readerManagerId === view.ownerId);
}

/** May `actor` change or delete a saved view? Its owner, or an admin for a view they can see. */
export function canEditView(actor: Actor, view: ViewAccess): boolean {
  if (isSystem(actor)) return false;
  return view.ownerId === actor.userId || (actor.role === 'admin' && view.shared !== 'private');
}
