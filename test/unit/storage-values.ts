/**
 * Generated domain values for every item kind (test/unit/storage-*.test.ts): a seeded generator, so a
 * failure repeats, with small shared pools of tenants and ids so that different kinds get the same inputs
 * (the same id as a record, a partner and a user; tenants that are prefixes of each other; ids that are
 * words used inside keys). Not a test file itself.
 */
import { FORM_FIELDS } from '../../schemas/form.ts';
import type { AssignmentRule } from '../../schemas/assignment.ts';
import type { StoredRecord } from '../../functions/records/entity.ts';
import type { AuditEntry, DirectoryUser, DomainEvent, TimelineEntry } from '../../functions/records/store.ts';
import { searchEntry } from '../../functions/records/search/entry.ts';
import type { Codec } from '../../functions/records/storage/codec.ts';
import {
  codecs, notificationId, taskId, RECORD_TYPES,
  type ChildLink, type LeadForm, type Partner, type StoredNotification, type StoredTask, type UniqueGuard,
} from '../../functions/records/storage/codecs.ts';

export function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    // mulberry32
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  const chance = (p = 0.5) => next() < p;
  const chars = (alphabet: string, min: number, max: number) => Array.from({ length: int(min, max) }, () => pick([...alphabet])).join('');
  return { next, int, pick, chance, chars };
}
export type Random = ReturnType<typeof random>;

const LOWER = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ID = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Free text: CJK, spaces inside, the key separators `#` and `~`, an emoji. */
const TEXT = ['王', '伟', '上海', 'Ada', 'Lovelace', 'a#b', '~x', 'Zoë', 'O\'Brien', '😀', 'TL', 'AU', 'CH', '-', '1'];

/** Tenants as auth.ts accepts them, some prefixes of others. */
export const TENANTS = ['demo', 'demo-2', 'acme', 'a', 'a-b'];
const TIMES = ['2026-01-02T03:04:05.000Z', '2026-01-02T03:04:05.001Z', '2030-12-31T23:59:59.999Z'];
/** Ids shared by the kinds: ULIDs, and words that also appear inside keys. */
const WORDS = ['search', 'deleted', 'owner', 'email', 'phone', 'record', 'event', 'idem', 'config', 'user', 'partner', 'form', 'task', 'notif', 'rate', 'route', 'rr', 'assignment-rules'];

export function values(r: Random) {
  const ulid = () => r.chars(CROCKFORD, 26, 26);
  const id = () => (r.chance(0.3) ? r.pick(WORDS) : r.chance(0.5) ? ulid() : r.chars(ID, 1, 20));
  const tenant = () => r.pick(TENANTS);
  const text = () => Array.from({ length: r.int(1, 3) }, () => r.pick(TEXT)).join(r.pick([' ', '', '#']));
  // Half the times come from a pool of three, so keys built from a time and an id meet the same time often.
  const iso = () => (r.chance() ? r.pick(TIMES) : new Date(r.int(1_600_000_000_000, 2_000_000_000_000)).toISOString());
  const userId = () => (r.chance(0.2) ? r.pick(WORDS) : `${r.chars('0123456789abcdef', 8, 8)}-${r.chars('0123456789abcdef', 4, 4)}-4${r.chars('0123456789abcdef', 3, 3)}`);
  const ref = () => ({ type: r.pick(RECORD_TYPES), id: id(), name: text() });
  const actor = () => ({ id: userId(), name: text() });
  const email = () => `${r.chars(LOWER + '.+_-#', 1, 20)}@${r.chars(LOWER, 1, 10)}.cn`;
  const e164 = () => `+${r.int(1, 99)}${r.chars('0123456789', 6, 12)}`;

  const record = (): StoredRecord => ({
    id: id(), name: text(), ownerId: r.chance(0.2) ? 'queue:default' : userId(), version: r.int(1, 50),
    createdAt: iso(), createdBy: userId(), updatedAt: iso(), updatedBy: userId(),
    ...(r.chance(0.3) ? { deletedAt: iso(), deletedBy: userId() } : {}),
    ...(r.chance() ? { email: email() } : {}), ...(r.chance() ? { phone: e164() } : {}),
    ...(r.chance() ? { tags: [text(), text()] } : {}), ...(r.chance() ? { employees: r.int(0, 1e6) } : {}),
    ...(r.chance(0.3) ? { conversion: { id: ulid(), by: userId(), startedAt: iso(), ownerId: userId(), input: { createOpportunity: r.chance() } } } : {}),
    ...(r.chance(0.3) ? { utm: {} } : {}),
  });
  const timeline = (): TimelineEntry => ({
    id: ulid(), at: iso(), type: r.pick(['created', 'updated', 'deleted', 'restored', 'contact-linked', 'lead-assigned']), actor: actor(),
    ...(r.chance() ? { changes: ['name', 'email'].slice(0, r.int(1, 2)) } : {}), ...(r.chance() ? { subject: ref() } : {}),
  });
  const audit = (): AuditEntry => ({
    id: ulid(), at: iso(), action: r.pick(['create', 'update', 'delete', 'restore'] as const), actor: { ...actor(), email: email() },
    recordType: r.pick(RECORD_TYPES), recordId: id(),
    ...(r.chance() ? { before: { name: text() } } : {}), ...(r.chance() ? { after: { name: text(), tags: [text()] } } : {}),
  });
  const childLink = (): ChildLink => ({ type: r.pick(['contact', 'opportunity']), id: id(), name: text(), ownerId: userId(), ...(r.chance() ? { title: text() } : {}) });
  const unique = (): UniqueGuard => (r.chance() ? { id: id(), field: 'email', value: email() } : { id: id(), field: 'phone', value: e164() });
  const event = (): DomainEvent => ({
    eventId: ulid(), name: r.pick(['lead.created', 'lead.assigned', 'contact.created']), version: r.int(1, 3), tenantId: tenant(), occurredAt: iso(),
    actor: r.chance() ? actor() : { ...actor(), kind: 'system' as const }, ...(r.chance() ? { correlationId: ulid() } : {}), subject: { type: r.pick(RECORD_TYPES), id: id() }, ...(r.chance() ? { changes: ['ownerId'] } : {}),
    data: r.chance() ? {} : { record: { id: id(), utm: {} }, n: r.int(0, 9) },
  });
  const scope = () => r.pick(['partner:demo-partner', `partner:${id()}`, `form:${id()}`, `form:${id()}:${r.pick(['127.0.0.1', '::1', '2001:db8::7'])}`]);
  const partner = (): Partner => ({
    id: id(), tenantId: tenant(), name: text(), secret: `whsec_${r.chars(ID, 32, 32)}`, rateLimitPerMinute: r.int(1, 6000),
    createdAt: iso(), createdBy: userId(),
    ...(r.chance() ? { previousSecret: `whsec_${r.chars(ID, 32, 32)}`, previousSecretValidUntil: iso(), rotatedAt: iso() } : {}),
  });
  const form = (): LeadForm => {
    const names = FORM_FIELDS.filter(() => r.chance());
    if (!names.includes('email') && !names.includes('phone')) names.push(r.pick(['email', 'phone'] as const));
    return {
      id: `frm_${ulid().toLowerCase()}`, tenantId: tenant(), name: text().trim() || 'Form', language: r.pick(['zh-CN', 'en'] as const),
      fields: names.map((name) => ({ name, required: r.chance(), ...(r.chance() ? { label: text().trim() || 'L' } : {}) })),
      thankYouText: text().trim() || 'Thanks', ...(r.chance() ? { source: 'Expo' } : {}), ...(r.chance() ? { submitLabel: '提交' } : {}),
      createdAt: iso(), createdBy: userId(),
    };
  };
  const ruleId = () => r.chars('abcdefghijklmnopqrstuvwxyz0123456789-', 1, 40);
  const rule = (): AssignmentRule => ({
    id: ruleId(), name: text().trim() || 'Rule', enabled: r.chance(),
    conditions: { ...(r.chance() ? { countries: ['CN', 'US'] } : {}), ...(r.chance() ? { scoreMin: r.int(0, 100) } : {}) },
    assign: r.chance()
      ? { type: 'user', userId: r.chars(ID, 1, 64) }
      : { type: 'team', name: 'Sales', members: [r.chars(ID, 1, 64), r.chars(ID, 1, 64)], strategy: r.pick(['round-robin', 'least-loaded'] as const) },
    ...(r.chance() ? { callbackHours: r.int(1, 720) } : {}),
  });
  const user = (): DirectoryUser => ({
    id: userId(), email: email(), name: text(), role: r.pick(['admin', 'manager', 'rep', 'marketer', 'agent']),
    ...(r.chance() ? { language: r.pick(['zh-CN', 'en']) } : {}), ...(r.chance() ? { managerId: userId() } : {}),
    ...(r.chance() ? { away: r.chance() } : {}), ...(r.chance() ? { timeZone: 'Asia/Shanghai' } : {}),
    ...(r.chance() ? { openLeads: r.int(0, 500) } : {}), ...(r.chance() ? { createdAt: iso() } : {}),
  });
  const notification = (): { value: StoredNotification; once: string } => {
    const at = iso();
    const once = `${ulid()}:${r.pick(['lead-assigned', 'callback-reminder', 'callback-escalation'])}`;
    return {
      once,
      value: {
        id: notificationId(at, once), at, kind: once.split(':')[1]!, read: r.chance(), subject: ref(),
        ...(r.chance() ? { data: { title: text(), ...(r.chance() ? { callbackDueAt: iso() } : {}) } } : {}),
        ...(r.chance() ? { mail: { to: email(), status: r.pick(['sending', 'sent', 'released'] as const), claimedAt: iso(), ...(r.chance() ? { sentAt: iso(), messageId: ulid() } : {}) } } : {}),
      },
    };
  };
  const task = (): StoredTask => {
    const dueAt = iso();
    const subject = { type: 'lead', id: id(), name: text() };
    return { id: taskId(dueAt, subject.id), title: text(), kind: 'call-back', dueAt, status: r.pick(['open', 'done', 'cancelled'] as const), subject };
  };
  return { ulid, id, tenant, text, iso, userId, email, e164, scope, ruleId, record, timeline, audit, childLink, unique, event, partner, form, rule, user, notification, task };
}

/** One generated item: its kind, the codec, the value and what its key needs; `identity` = the inputs its key must tell apart. */
export interface Case {
  kind: keyof typeof codecs;
  codec: Codec<unknown, unknown>;
  value: unknown;
  where: unknown;
  identity: unknown[];
}

/** `n` generated values of every item kind. */
export function cases(seed: number, n: number): Case[] {
  const r = random(seed);
  const v = values(r);
  const out: Case[] = [];
  const add = <V, W>(kind: keyof typeof codecs, codec: Codec<V, W>, value: V, where: W, identity: unknown[]) =>
    out.push({ kind, codec: codec as unknown as Codec<unknown, unknown>, value, where, identity });
  for (let i = 0; i < n; i++) {
    const tenantId = v.tenant();
    const type = r.pick(RECORD_TYPES);
    const rec = v.record();
    add('record', codecs.record, rec, { tenantId, type }, [tenantId, type, rec.id]);
    const token = r.chance() ? r.pick(['ada', 'a#b', '~record', 'tl', '86138']) : r.chance() ? v.text().toLowerCase() : r.chars('0123456789', 3, 12);
    add('searchToken', codecs.searchToken, searchEntry(type, rec), { tenantId, type, token }, [tenantId, type, token, rec.id]);
    const tl = v.timeline();
    const on = v.id();
    add('timeline', codecs.timeline, tl, { tenantId, type, id: on }, [tenantId, type, on, tl.at, tl.id]);
    const au = v.audit();
    add('audit', codecs.audit, au, { tenantId }, [tenantId, au.recordType, au.recordId, au.at, au.id]);
    const link = v.childLink();
    const parentId = v.id();
    add('childLink', codecs.childLink, link, { tenantId, parentType: 'account', parentId }, [tenantId, 'account', parentId, link.type, link.id]);
    const guard = v.unique();
    const guarded = r.pick(['contact', 'lead']);
    add('uniqueGuard', codecs.uniqueGuard, guard, { tenantId, type: guarded }, [tenantId, guarded, guard.field, guard.value]);
    const ev = v.event();
    add('outboxEvent', codecs.outboxEvent, ev, undefined, [ev.tenantId, ev.eventId]);
    const scope = v.scope();
    const key = r.chance() ? r.pick(['first-lead', 'k#1', 'partner:x']) : r.chars('!"#$%&\'()*+,-./0123456789:;<=>?@ABCXYZ[]^_`abcxyz{|}~', 1, 40);
    add('idempotency', codecs.idempotency, { bodyHash: r.chars('0123456789abcdef', 64, 64), response: { id: v.ulid(), status: r.pick(['accepted', 'duplicate']) } },
      { tenantId, scope, key, expiresAt: r.int(1.7e9, 2e9) }, [tenantId, scope, key]);
    const epochMinute = r.pick([29_500_000, 29_500_001, r.int(28_000_000, 34_000_000)]);
    add('rateWindow', codecs.rateWindow, { used: r.int(1, 6000) }, { tenantId, scope, epochMinute }, [tenantId, scope, epochMinute]);
    const p = v.partner();
    add('partner', codecs.partner, p, undefined, [p.tenantId, p.id]);
    const f = v.form();
    add('form', codecs.form, f, undefined, [f.tenantId, f.id]);
    const kind = r.pick(['partner', 'form'] as const);
    const publicId = v.id();
    add('route', codecs.route, { tenantId }, { kind, publicId }, [kind, publicId]);
    const rules = Array.from({ length: r.int(0, 3) }, v.rule).map((x, j) => ({ ...x, id: `${x.id.slice(0, 36)}-${j}` }));
    add('ruleSet', codecs.ruleSet, { rules, version: r.int(0, 99), ...(r.chance() ? { updatedAt: v.iso(), updatedBy: v.userId() } : {}) }, { tenantId }, [tenantId]);
    const ruleId = v.ruleId();
    add('roundRobin', codecs.roundRobin, { turn: r.int(1, 1e6) }, { tenantId, ruleId }, [tenantId, ruleId]);
    const u = v.user();
    add('user', codecs.user, u, { tenantId }, [tenantId, u.id]);
    const owner = v.userId();
    const n1 = v.notification();
    add('notification', codecs.notification, n1.value, { tenantId, userId: owner }, [tenantId, owner, n1.value.at, n1.once]);
    const t = v.task();
    add('task', codecs.task, t, { tenantId, userId: owner }, [tenantId, owner, t.dueAt, t.subject.id]);
    const field = r.pick(['email', 'c_tier', 'amount']);
    const ixSk = `${r.chars('0123456789abcdef', 16, 16)}\u0001${v.text().toLowerCase()}#${rec.id}`;
    add('listIndex', codecs.listIndex, { id: rec.id }, { tenantId, type, field, sk: ixSk }, [tenantId, type, field, ixSk]);
    const view = {
      id: v.ulid(), object: r.pick(['contacts', 'accounts', 'c_projects']), name: v.text(), shared: r.pick(['private', 'team', 'all'] as const),
      columns: ['name', 'email'], ...(r.chance() ? { widths: { name: r.int(40, 400) } } : {}),
      where: (r.chance() ? { c_tier: { eq: 'gold' } } : { amount: { gte: r.int(0, 1e6) }, c_ok: { eq: true } }) as Record<string, Record<string, string | number | boolean>>, sort: r.chance() ? ['-createdAt'] : [],
      ...(r.chance() ? { density: r.pick(['compact', 'default', 'comfortable'] as const) } : {}), segment: r.chance(),
      ownerId: v.userId(), version: r.int(1, 9), createdAt: v.iso(), updatedAt: v.iso(),
    };
    add('savedView', codecs.savedView, view, { tenantId }, [tenantId, view.object, view.id]);
    const last = { userId: v.userId(), object: r.pick(['contacts', 'leads']), viewId: v.ulid() };
    add('lastView', codecs.lastView, last, { tenantId }, [tenantId, 'last', last.userId, last.object]);
  }
  return out;
}
