import { can, isSystem, sharingFor, type Action, type Actor, type ObjectSharing, type Resource, type RoleSharing } from '../policy/policy.ts';
import type { SharingSource } from '../metadata/sharing.ts';
import type { DirectoryUser, ListSpec, RecordStore } from './store.ts';

/**
 * Record visibility (CD-7) for one request: the caller's sharing level per record type (the tenant's
 * settings, cached per container, functions/metadata/sharing.ts) and the caller's team (one directory Query
 * per request at most, and only when a `team` level needs it). The policy decides (functions/policy/policy.ts);
 * this only gathers what it decides on. System actors keep their grants: nothing is read for them.
 */

/**
 * A user's team: a manager's (anyone others report to) is themselves and their reports; anyone else's is
 * themselves, their manager and the others who report to that manager.
 */
export function teamOf(userId: string, users: readonly Pick<DirectoryUser, 'id' | 'managerId'>[]): string[] {
  const team = new Set([userId]);
  const reports = users.filter((u) => u.managerId === userId);
  if (reports.length) for (const u of reports) team.add(u.id);
  else {
    const managerId = users.find((u) => u.id === userId)?.managerId;
    if (managerId) {
      team.add(managerId);
      for (const u of users) if (u.managerId === managerId) team.add(u.id);
    }
  }
  return [...team];
}

export interface VisibilityDeps {
  readonly store: Pick<RecordStore, 'directory'>;
  readonly sharing?: SharingSource;
}

export interface Visibility {
  /** The caller's read/edit levels on `type` (undefined for system actors). */
  levels(type: string): Promise<ObjectSharing | undefined>;
  /** The caller's team (user ids, the caller first), read at most once. */
  team(): Promise<readonly string[]>;
  /** What `can` needs to decide `action` on this record of `type`. */
  resource(type: string, record: { readonly ownerId?: unknown }): Promise<Resource>;
  /** `can(actor, action, …)` with the sharing and team filled in. */
  can(action: Action, type: string, record: { readonly ownerId?: unknown }): Promise<boolean>;
}

export function visibility(p: Actor, deps: VisibilityDeps): Visibility {
  let team: Promise<readonly string[]> | undefined;
  const levels = async (type: string): Promise<ObjectSharing | undefined> => {
    if (isSystem(p)) return undefined;
    const settings: Partial<RoleSharing> | undefined = deps.sharing ? await deps.sharing.sharingOf(p.tenantId, type) : undefined;
    return sharingFor(p.role, type, settings);
  };
  const self: Visibility = {
    levels,
    team: () => (team ??= deps.store.directory
      ? deps.store.directory(p.tenantId).then((users) => teamOf(p.userId, users))
      : Promise.resolve([p.userId])),
    async resource(type, record) {
      const sharing = await levels(type);
      if (!sharing) return { type, record };
      // The team is read only when a `team` level has to decide about someone else's record.
      const needsTeam = (sharing.read === 'team' || sharing.edit === 'team') && record.ownerId !== p.userId;
      return { type, record, sharing, ...(needsTeam ? { team: await self.team() } : {}) };
    },
    async can(action, type, record) {
      return can(p, action, await self.resource(type, record));
    },
  };
  return self;
}

/**
 * What a list of `type` may show the caller, given the `?ownerId=` asked for: every record (`all`), the
 * caller's own (the owner index), `ownerId in` the team, or nothing at all ('none': an owner the caller may
 * not see answers an empty page, as a list of another tenant's owner would).
 */
export async function listScope(p: Actor, vis: Visibility, type: string, ownerId?: string): Promise<Pick<ListSpec, 'ownerId' | 'where'> | 'none'> {
  const levels = await vis.levels(type);
  if (ownerId) return !levels || levels.read === 'all' || (await vis.can('record:read', type, { ownerId })) ? { ownerId } : 'none';
  if (!levels || levels.read === 'all') return {};
  if (levels.read === 'own') return { ownerId: p.userId };
  const team = await vis.team();
  return team.length === 1 ? { ownerId: p.userId } : { where: [{ field: 'ownerId', op: 'in', value: team }] };
}
