/**
 * Single-table keys. Every key starts with the tenant (rule 5), so no query can reach another tenant's items.
 * docs/data-model.md lists each access pattern against these.
 */
export const tenantPrefix = (tenantId: string) => `T#${tenantId}#`;

export const keys = {
  /** The partition holding a record, its timeline (TL#), its audit trail (AU#) and linked items. */
  record: (tenantId: string, type: string, id: string) => `T#${tenantId}#${type}#${id}`,
  /** Sort key of the record itself; `~` sorts after TL#, so a descending Query yields record then newest timeline. */
  recordSk: '~record',
  timelineSk: (at: string, id: string) => `TL#${at}#${id}`,
  auditSk: (at: string, id: string) => `AU#${at}#${id}`,
  /** GSI1/GSI2 partition: all live records of a type in a tenant. */
  list: (tenantId: string, type: string) => `T#${tenantId}#${type}`,
  /** GSI1 partition for soft-deleted records (the trash). */
  trash: (tenantId: string, type: string) => `T#${tenantId}#${type}#deleted`,
  /** GSI3 partition: a type's live records owned by one user. */
  byOwner: (tenantId: string, type: string, ownerId: string) => `T#${tenantId}#${type}#owner#${ownerId}`,
  /** Prefix-search tokens of a type: sk `<token>#<id>`. */
  search: (tenantId: string, type: string) => `T#${tenantId}#${type}#search`,
  /** Uniqueness guard, e.g. one contact per email in a tenant. */
  unique: (tenantId: string, type: string, field: string, value: string) => `T#${tenantId}#${type}#${field}#${value}`,
  uniqueSk: '~unique',
  /** Transactional outbox: one item per domain event, forwarded to EventBridge by the table stream. */
  event: (tenantId: string, eventId: string) => `T#${tenantId}#event#${eventId}`,
  eventSk: '~event',
  /** A caller's idempotency key (scope = e.g. partner id), kept 24 h. */
  idempotency: (tenantId: string, scope: string, key: string) => `T#${tenantId}#idem#${scope}#${key}`,
  idempotencySk: '~idem',
  /** Tenant configuration documents (assignment rules, round-robin turns...): sk names the document. */
  config: (tenantId: string) => `T#${tenantId}#config`,
  /** A user's in-app notifications, newest first: sk `<at>#<id>`. */
  notifications: (tenantId: string, userId: string) => `T#${tenantId}#notif#${userId}`,
  /** Routing from a public id in a URL (partner, form) to its tenant; holds nothing but the tenant id. */
  route: (kind: string, publicId: string) => `R#${kind}#${publicId}`,
  /** The tenant's user directory. */
  users: (tenantId: string) => `T#${tenantId}#user`,
} as const;

/** Normalised, sortable form of a display name for list ordering and prefix search. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}
