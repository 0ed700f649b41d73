import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../contracts/roles.ts';
import {
  PolicyDenied, assertCan, assertFieldsWritable, can, capabilities, systemActor, visibleFields,
  type Action, type Actor, type Resource, type UserActor,
} from '../../functions/policy/policy.ts';

const user = (role: Role, userId = `u-${role}`): UserActor => ({ tenantId: 'demo', userId, role, name: role, email: `${role}@demo.local` });
const mine = (a: UserActor): Resource => ({ type: 'lead', record: { ownerId: a.userId } });
const theirs: Resource = { type: 'lead', record: { ownerId: 'u-other' } };

/**
 * The decision table: actor × action × resource → allowed. One row per case a person would notice
 * (a button that works or is refused).
 */
type Row = [who: string, actor: Actor, action: Action, resource: Resource, field: string | undefined, allowed: boolean];
const rows: Row[] = [];
for (const role of ROLES) {
  const a = user(role);
  const boss = role === 'admin' || role === 'manager';
  const sales = role === 'admin' || role === 'manager' || role === 'rep';
  rows.push(
    [role, a, 'record:read', theirs, undefined, role === 'admin' || role === 'marketer'],
    [role, a, 'record:create', { type: 'contact' }, undefined, true],
    [role, a, 'record:update', mine(a), undefined, true],
    [role, a, 'record:update', theirs, undefined, role === 'admin'],
    [role, a, 'record:update', { ...theirs, team: [a.userId, 'u-other'] }, undefined, boss],
    [role, a, 'record:delete', theirs, undefined, role === 'admin'],
    [role, a, 'record:delete', { ...theirs, team: [a.userId, 'u-other'] }, undefined, boss],
    [role, a, 'record:restore', mine(a), undefined, true],
    [role, a, 'record:assign', { ownerId: a.userId }, undefined, true],
    [role, a, 'record:assign', { ownerId: 'u-other' }, undefined, boss],
    [role, a, 'field:read', { type: 'contact' }, 'nationalId', boss],
    [role, a, 'field:write', { type: 'contact' }, 'nationalId', boss],
    [role, a, 'field:read', { type: 'contact' }, 'email', true],
    [role, a, 'field:read', { type: 'lead' }, 'assignmentEventId', false],
    [role, a, 'field:write', { type: 'lead' }, 'assignmentEventId', false],
    [role, a, 'lead:claim', {}, undefined, sales],
    [role, a, 'lead:log-activity', mine(a), undefined, sales],
    [role, a, 'lead:log-activity', theirs, undefined, boss],
    [role, a, 'lead:convert', mine(a), undefined, sales],
    [role, a, 'lead:convert', theirs, undefined, boss],
    [role, a, 'partners:manage', {}, undefined, role === 'admin'],
    [role, a, 'forms:read', {}, undefined, role === 'admin' || role === 'marketer'],
    [role, a, 'forms:manage', {}, undefined, role === 'admin' || role === 'marketer'],
    [role, a, 'assignment-rules:read', {}, undefined, boss],
    [role, a, 'assignment-rules:manage', {}, undefined, role === 'admin'],
    [role, a, 'users:list', {}, undefined, true],
    [role, a, 'users:read-workload', {}, undefined, boss],
    [role, a, 'users:update', { target: { id: a.userId, role } }, 'language', true],
    [role, a, 'users:update', { target: { id: 'u-x', role: 'rep' } }, 'away', boss],
    [role, a, 'users:update', { target: { id: 'u-x', role: 'admin' } }, 'away', role === 'admin'],
    [role, a, 'metadata:read', {}, undefined, true],
    [role, a, 'metadata:manage', {}, undefined, role === 'admin'],
    // A custom field's per-role permissions come from metadata; a role not named may write; admins always may.
    [role, a, 'custom-field:read', {}, undefined, true],
    [role, a, 'custom-field:write', {}, undefined, true],
    [role, a, 'custom-field:read', { fieldAccess: { [role]: 'none' } }, undefined, role === 'admin'],
    [role, a, 'custom-field:read', { fieldAccess: { [role]: 'read' } }, undefined, true],
    [role, a, 'custom-field:write', { fieldAccess: { [role]: 'read' } }, undefined, role === 'admin'],
    [role, a, 'custom-field:write', { fieldAccess: { manager: 'none', rep: 'read' } }, undefined, role === 'admin' || (role !== 'manager' && role !== 'rep')],
    [role, a, 'users:update', { target: { id: 'u-x', role: 'manager' } }, 'away', role === 'admin'],
    [role, a, 'users:update', { target: { id: 'u-x', role: 'rep' } }, 'timeZone', role === 'admin'],
  );
}
const assignment = systemActor('demo', 'assignment', 'Assignment rules');
const timer = systemActor('demo', 'callback-timer', 'Call-back timer');
const intake = systemActor('demo', 'intake', 'Lead intake');
const stream = systemActor('demo', 'stream', 'Outbox relay');
rows.push(
  ['assignment', assignment, 'record:update', theirs, undefined, true],
  ['assignment', assignment, 'record:assign', { ownerId: 'u-rep' }, undefined, true],
  ['assignment', assignment, 'record:delete', theirs, undefined, false],
  ['assignment', assignment, 'partners:manage', {}, undefined, false],
  ['assignment', assignment, 'lead:claim', {}, undefined, false],
  ['callback-timer', timer, 'record:update', theirs, undefined, true],
  ['callback-timer', timer, 'record:assign', { ownerId: 'u-rep' }, undefined, false],
  ['callback-timer', timer, 'record:delete', theirs, undefined, false],
  ['intake', intake, 'record:create', { type: 'lead' }, undefined, true],
  ['intake', intake, 'record:create', { type: 'contact' }, undefined, false],
  ['intake', intake, 'record:assign', { ownerId: 'u-rep' }, undefined, false],
  ['intake', intake, 'users:read-workload', {}, undefined, false],
  ['intake', intake, 'custom-field:write', {}, undefined, true],
  ['intake', intake, 'metadata:manage', {}, undefined, false],
  ['assignment', assignment, 'metadata:manage', {}, undefined, false],
  ['stream', stream, 'custom-field:read', {}, undefined, false],
  ['stream', stream, 'record:read', theirs, undefined, false],
  ['stream', stream, 'record:update', theirs, undefined, false],
  // System actors keep their grants whatever the sharing says.
  ['assignment', assignment, 'record:read', { ...theirs, sharing: { read: 'own', edit: 'own' } }, undefined, true],
  ['callback-timer', timer, 'record:update', { ...theirs, sharing: { read: 'own', edit: 'own' } }, undefined, true],
);

/**
 * Record visibility (CD-7) with the defaults: role × object × whose record × read/edit. Written out
 * by hand (A = every record, T = own and the team's, O = own only), not derived from DEFAULT_SHARING.
 */
const DEFAULTS: Record<string, Record<string, { read: 'A' | 'T' | 'O'; edit: 'A' | 'T' | 'O' }>> = {
  account: { admin: { read: 'A', edit: 'A' }, manager: { read: 'A', edit: 'T' }, rep: { read: 'A', edit: 'O' }, marketer: { read: 'A', edit: 'O' }, agent: { read: 'A', edit: 'O' } },
  contact: { admin: { read: 'A', edit: 'A' }, manager: { read: 'A', edit: 'T' }, rep: { read: 'A', edit: 'O' }, marketer: { read: 'A', edit: 'O' }, agent: { read: 'A', edit: 'O' } },
  lead: { admin: { read: 'A', edit: 'A' }, manager: { read: 'T', edit: 'T' }, rep: { read: 'O', edit: 'O' }, marketer: { read: 'A', edit: 'O' }, agent: { read: 'O', edit: 'O' } },
  opportunity: { admin: { read: 'A', edit: 'A' }, manager: { read: 'T', edit: 'T' }, rep: { read: 'O', edit: 'O' }, marketer: { read: 'O', edit: 'O' }, agent: { read: 'O', edit: 'O' } },
};
const reaches = (lvl: 'A' | 'T' | 'O', whose: 'own' | 'team' | 'other') => lvl === 'A' || whose === 'own' || (lvl === 'T' && whose === 'team');
type MatrixRow = [role: Role, type: string, whose: 'own' | 'team' | 'other', action: 'record:read' | 'record:update' | 'record:delete' | 'record:restore', allowed: boolean];
const matrix: MatrixRow[] = [];
for (const [type, byRole] of Object.entries(DEFAULTS)) {
  for (const [role, lv] of Object.entries(byRole) as [Role, { read: 'A' | 'T' | 'O'; edit: 'A' | 'T' | 'O' }][]) {
    for (const whose of ['own', 'team', 'other'] as const) {
      matrix.push([role, type, whose, 'record:read', reaches(lv.read, whose)]);
      for (const action of ['record:update', 'record:delete', 'record:restore'] as const) matrix.push([role, type, whose, action, reaches(lv.edit, whose) && reaches(lv.read, whose)]);
    }
  }
}
const ownerOf = (a: UserActor, whose: 'own' | 'team' | 'other') => (whose === 'own' ? a.userId : whose === 'team' ? 'u-mate' : 'u-stranger');

describe('record visibility matrix (defaults): role × object × own/team/other × read/edit', () => {
  it.each(matrix)('%s %s of %s: %s → %s', (role, type, whose, action, allowed) => {
    const a = user(role);
    expect(can(a, action, { type, record: { ownerId: ownerOf(a, whose) }, team: [a.userId, 'u-mate'] })).toBe(allowed);
  });

  it('a lead in the shared queue: every role reads it (reps to claim it, agents to answer a caller), managers and admins edit it, reps and agents do not', () => {
    const queued: Resource = { type: 'lead', record: { ownerId: 'queue:default' }, team: ['u-x'] };
    expect(ROLES.filter((r) => can(user(r), 'record:read', queued))).toEqual(['admin', 'manager', 'rep', 'marketer', 'agent']);
    expect(ROLES.filter((r) => can(user(r), 'record:update', queued))).toEqual(['admin', 'manager']);
  });

  it('follows the tenant\'s settings over the defaults, and never lets edit reach beyond read', () => {
    const rep = user('rep');
    const mate: Resource = { type: 'lead', record: { ownerId: 'u-mate' }, team: [rep.userId, 'u-mate'] };
    expect(can(rep, 'record:read', mate)).toBe(false);
    expect(can(rep, 'record:read', { ...mate, sharing: { read: 'team', edit: 'own' } })).toBe(true);
    expect(can(rep, 'record:update', { ...mate, sharing: { read: 'team', edit: 'own' } })).toBe(false);
    expect(can(rep, 'record:update', { ...mate, sharing: { read: 'team', edit: 'team' } })).toBe(true);
    // An account a rep may no longer read (read: own) cannot be edited even with a wide edit level.
    expect(can(rep, 'record:update', { type: 'account', record: { ownerId: 'u-stranger' }, sharing: { read: 'own', edit: 'all' } })).toBe(false);
    // Without a team, a team level reaches only one's own records.
    expect(can(user('manager'), 'record:read', { type: 'lead', record: { ownerId: 'u-mate' } })).toBe(false);
    // Admins read and edit every record whatever is set.
    expect(can(user('admin'), 'record:update', { ...mate, sharing: { read: 'own', edit: 'own' } })).toBe(true);
  });

  it('sharing is for admins to see and set', () => {
    expect(ROLES.filter((r) => can(user(r), 'sharing:manage'))).toEqual(['admin']);
  });

  it('/api/me: each object\'s read/edit levels for the role, the tenant\'s settings applied, and the team', () => {
    const rep = capabilities(user('rep'), { lead: { rep: { read: 'team', edit: 'own' } } }, ['u-rep', 'u-mate']);
    expect(rep.visibility).toMatchObject({ account: { read: 'all', edit: 'own' }, lead: { read: 'team', edit: 'own' }, opportunity: { read: 'own', edit: 'own' } });
    expect(rep.team).toEqual(['u-rep', 'u-mate']);
    expect(capabilities(user('admin'), { lead: { rep: { read: 'own', edit: 'own' } } }).visibility.lead).toEqual({ read: 'all', edit: 'all' });
  });
});

describe('policy: who may do what (functions/policy/policy.ts)', () => {
  it.each(rows)('%s: %s %s', (_who, actor, action, resource, field, allowed) => {
    expect(can(actor, action, resource, field)).toBe(allowed);
  });

  it('assertCan refuses with a PolicyDenied naming the field of a refused assignment', () => {
    expect(() => assertCan(user('rep'), 'record:assign', { ownerId: 'u-other' })).toThrow(PolicyDenied);
    try {
      assertCan(user('rep'), 'record:assign', { ownerId: 'u-other' });
    } catch (e) {
      expect((e as PolicyDenied).fields).toEqual([{ path: 'ownerId', message: 'You may only assign records to yourself' }]);
    }
    expect(() => assertCan(user('manager'), 'record:assign', { ownerId: 'u-other' })).not.toThrow();
  });

  it('names every refused field of a write, and lets managers set sensitive ones', () => {
    try {
      assertFieldsWritable(user('rep'), 'contact', ['firstName', 'nationalId']);
      expect.unreachable();
    } catch (e) {
      expect((e as PolicyDenied).fields.map((f) => f.path)).toEqual(['nationalId']);
    }
    expect(() => assertFieldsWritable(user('manager'), 'contact', ['nationalId'])).not.toThrow();
    expect(() => assertFieldsWritable(user('admin'), 'lead', ['assignmentEventId'])).toThrow(/kept by Cirrus/);
  });

  it('hides sensitive fields from reps and workflow internals from everyone, but not from the system', () => {
    const contact = { id: 'c1', firstName: 'Wei', nationalId: '110101199001011234' };
    expect(visibleFields(user('rep'), 'contact', contact)).toEqual({ id: 'c1', firstName: 'Wei' });
    expect(visibleFields(user('manager'), 'contact', contact)).toEqual(contact);
    const lead = { id: 'l1', status: 'assigned', assignmentEventId: 'e1', callbackDueAt: '2026-12-03T08:00:00Z' };
    expect(visibleFields(user('admin'), 'lead', lead)).toEqual({ id: 'l1', status: 'assigned', callbackDueAt: '2026-12-03T08:00:00Z' });
    expect(visibleFields(assignment, 'lead', lead)).toEqual(lead);
  });

  it('tells the web app the same answers (/api/me capabilities)', () => {
    expect(capabilities(user('rep'))).toMatchObject({ records: { update: 'own', assignToOthers: false }, leads: { claim: true }, settings: { partners: false, forms: false, objects: false } });
    expect(capabilities(user('agent'))).toMatchObject({ leads: { claim: false }, users: { readWorkload: false, markTeamAway: false } });
    expect(capabilities(user('rep')).records.restore).toBe('own');
    expect(capabilities(user('manager')).users.markTeamAway).toBe(true);
    expect(capabilities(user('marketer')).settings.forms).toBe(true);
    expect(capabilities(user('manager'))).toMatchObject({ records: { update: 'any', assignToOthers: true }, settings: { assignmentRulesRead: true, assignmentRulesManage: false }, fields: { contact: { nationalId: true } } });
    expect(capabilities(user('admin')).settings).toEqual({ partners: true, forms: true, assignmentRulesRead: true, assignmentRulesManage: true, objects: true, marketing: true });
    expect(capabilities(user('marketer')).marketing).toEqual({ templates: true, campaigns: true, send: true, journeys: true, scoring: true });
    expect(capabilities(user('rep')).marketing).toEqual({ templates: false, campaigns: false, send: false, journeys: false, scoring: false });
    expect(capabilities(user('marketer')).settings.marketing).toBe(false);
  });
});

describe('field permissions come from metadata (nationalId is no longer a constant in the policy)', () => {
  it('a standard field with per-role permissions in schemas/standard-objects.ts decides field:read and field:write', async () => {
    const { STANDARD_OBJECT_DEFINITIONS } = await import('../../schemas/standard-objects.ts');
    const policy = await import('../../functions/policy/policy.ts');
    const nationalId = STANDARD_OBJECT_DEFINITIONS.find((o) => o.apiName === 'contacts')!.fields.find((f) => f.apiName === 'nationalId')!;
    expect(nationalId.permissions).toEqual({ rep: 'none', marketer: 'none', agent: 'none' });
    expect(policy.SENSITIVE_FIELDS).toEqual({ contact: ['nationalId'] });
    const person = (role: 'admin' | 'manager' | 'rep' | 'marketer' | 'agent') => ({ tenantId: 't', userId: `u-${role}`, role, name: role, email: `${role}@t` });
    const decide = (role: Parameters<typeof person>[0]) => [policy.can(person(role), 'field:read', { type: 'contact' }, 'nationalId'), policy.can(person(role), 'field:write', { type: 'contact' }, 'nationalId')];
    expect(['admin', 'manager', 'rep', 'marketer', 'agent'].map((r) => decide(r as never))).toEqual([[true, true], [true, true], [false, false], [false, false], [false, false]]);
    // A field without permissions is open to every role.
    expect(policy.can(person('rep'), 'field:read', { type: 'contact' }, 'title')).toBe(true);
  });
});
