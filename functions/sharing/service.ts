import type { Clock } from '#commons/clock.ts';
import { conflict, invalid, notFound, type FieldError } from '#commons/errors.ts';
import { correlationId } from '#commons/observability.ts';
import { assertCatalogued, currentVersion } from '#contracts/events.ts';
import { CUSTOM_API_NAME, isStandardObject } from '#schemas/metadata.ts';
import { SHARED_ROLES, sharingUpdate, type SharedRole } from '#schemas/sharing.ts';
import { toFieldIssues } from '#schemas/validation.ts';
import { assertCan, sharingFor, sharingRank, type Actor, type ObjectSharing, type RoleSharing } from '../policy/policy.ts';
import { typeOfObject, type SharingRegistry, type StoredSharing } from '../metadata/sharing.ts';
import type { TenantMetadata } from '../metadata/store.ts';
import type { AuditEntry, DomainEvent } from '../records/store.ts';
import { SharingMoved, type SharingStore } from './store.ts';

/**
 * Record visibility settings (CD-7): `GET` and `PUT /api/metadata/objects/{object}/sharing` (admins). A PUT
 * sets the roles it names (the others keep theirs), is audited and publishes `sharing.changed`, and takes
 * effect at once in the container that made it (its cache is reloaded) and within SHARING_REFRESH_MS (5 s)
 * in every other (functions/metadata/sharing.ts). Enforcement is the policy's (functions/policy/policy.ts).
 */
export interface SharingDeps {
  readonly store: SharingStore;
  readonly registry: SharingRegistry;
  readonly clock: Clock;
  readonly newId: (now: Date) => string;
  /**
   * The tenant's metadata, read now (`MetadataRegistry.reload`, as every admin change of metadata does): a
   * custom object has sharing while it is active, so an object created a moment ago in another container
   * is found, and a deactivated one is not.
   */
  readonly metadata: { reload(tenantId: string): Promise<TenantMetadata> };
}

export type SharingView = Record<SharedRole | 'admin', ObjectSharing> & { object: string; customized: SharedRole[]; version: number };

/**
 * The objects whose records have sharing: the standard ones and the tenant's active custom objects (`c_…`,
 * found in the metadata read now). Anything else, a deactivated custom object included, is a 404: its
 * records answer 404 too, and its stored sharing (if any) is kept for a restore.
 */
async function assertKnownObject(tenantId: string, object: string, deps: SharingDeps): Promise<void> {
  if (isStandardObject(object)) return;
  const meta = CUSTOM_API_NAME.test(object) ? await deps.metadata.reload(tenantId) : undefined;
  if (!meta?.objects.some((o) => o.apiName === object && o.active)) throw notFound(`No object ${object}.`);
}

function viewOf(object: string, stored: StoredSharing | undefined): SharingView {
  const type = typeOfObject(object);
  const roles = stored?.roles ?? {};
  const view = Object.fromEntries(SHARED_ROLES.map((r) => [r, sharingFor(r, type, roles)])) as Record<SharedRole, ObjectSharing>;
  return {
    object, ...view, admin: sharingFor('admin', type),
    customized: SHARED_ROLES.filter((r) => roles[r] !== undefined), version: stored?.version ?? 0,
  };
}

export async function getSharing(p: Actor, object: string, deps: SharingDeps): Promise<SharingView> {
  assertCan(p, 'sharing:manage');
  await assertKnownObject(p.tenantId, object, deps);
  return viewOf(object, (await deps.registry.reload(p.tenantId)).get(object));
}

function parseUpdate(body: unknown) {
  const result = sharingUpdate.safeParse(body ?? {});
  const errors: FieldError[] = result.success ? [] : toFieldIssues(result.error.issues);
  if (body && typeof body === 'object' && 'admin' in body) {
    const i = errors.findIndex((e) => e.path === 'admin');
    const e = { path: 'admin', message: 'Admins always read and edit every record', code: 'not_allowed' };
    if (i >= 0) errors[i] = e;
    else errors.push(e);
  }
  if (result.success) {
    for (const role of SHARED_ROLES) {
      const s = result.data[role];
      if (s && sharingRank(s.edit) > sharingRank(s.read)) {
        errors.push({ path: `${role}.edit`, message: `Edit cannot reach further than read (${s.read})`, code: 'edit_wider_than_read' });
      }
    }
  }
  if (errors.length) throw invalid(errors);
  return result.data!;
}

export async function putSharing(p: Actor, object: string, body: unknown, deps: SharingDeps): Promise<SharingView> {
  assertCan(p, 'sharing:manage');
  await assertKnownObject(p.tenantId, object, deps);
  const update = parseUpdate(body);
  const current = (await deps.registry.reload(p.tenantId)).get(object);
  const roles: { -readonly [R in keyof RoleSharing]?: RoleSharing[R] } = { ...(current?.roles ?? {}) };
  for (const r of SHARED_ROLES) if (update[r]) roles[r] = update[r];
  if (current && JSON.stringify(roles) === JSON.stringify(current.roles)) return viewOf(object, current);
  const now = deps.clock();
  const at = now.toISOString();
  const next: StoredSharing = { object, roles, version: (current?.version ?? 0) + 1, updatedAt: at, updatedBy: p.userId };
  const effective = viewOf(object, next);
  const audit: AuditEntry = {
    id: deps.newId(now), at, action: current ? 'update' : 'create',
    actor: { id: p.userId, name: p.name, email: p.kind === 'system' ? '' : p.email },
    recordType: 'sharing', recordId: object,
    ...(current ? { before: { ...current.roles } } : {}),
    after: { ...roles },
  };
  const name = 'sharing.changed';
  assertCatalogued(name);
  const event: DomainEvent = {
    eventId: deps.newId(now), name, version: currentVersion(name),
    ...(correlationId() ? { correlationId: correlationId() } : {}),
    tenantId: p.tenantId, occurredAt: at,
    actor: { id: p.userId, name: p.name, ...(p.kind === 'system' ? { kind: 'system' as const } : {}) },
    subject: { type: 'sharing', id: object },
    data: { object, roles: Object.fromEntries(SHARED_ROLES.map((r) => [r, effective[r]])), version: next.version },
  };
  try {
    await deps.store.commit({ tenantId: p.tenantId, sharing: next, expectedVersion: current?.version ?? 0, audit, event });
  } catch (error) {
    if (error instanceof SharingMoved) throw conflict('Who may see these records was changed meanwhile. Reload and try again.');
    throw error;
  } finally {
    // This container enforces the change from its next request on.
    await deps.registry.reload(p.tenantId).catch(() => undefined);
  }
  return effective;
}

