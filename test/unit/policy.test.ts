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
    [role, a, 'record:read', theirs, undefined, true],
    [role, a, 'record:create', { type: 'contact' }, undefined, true],
    [role, a, 'record:update', mine(a), undefined, true],
    [role, a, 'record:update', theirs, undefined, boss],
    [role, a, 'record:delete', theirs, undefined, boss],
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
);

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
    expect(capabilities(user('rep'))).toMatchObject({ records: { update: 'own', assignToOthers: false }, leads: { claim: true }, settings: { partners: false, forms: false } });
    expect(capabilities(user('agent'))).toMatchObject({ leads: { claim: false }, users: { readWorkload: false, markTeamAway: false } });
    expect(capabilities(user('rep')).records.restore).toBe('own');
    expect(capabilities(user('manager')).users.markTeamAway).toBe(true);
    expect(capabilities(user('marketer')).settings.forms).toBe(true);
    expect(capabilities(user('manager'))).toMatchObject({ records: { update: 'any', assignToOthers: true }, settings: { assignmentRulesRead: true, assignmentRulesManage: false }, fields: { contact: { nationalId: true } } });
    expect(capabilities(user('admin')).settings).toEqual({ partners: true, forms: true, assignmentRulesRead: true, assignmentRulesManage: true });
  });
});
