import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { documentClient } from '../../functions/commons/dynamo.ts';
import { loadCandidates, loadRuleSet, nextTurn, saveRuleSet } from '../../functions/assignment/store.ts';
import { findForm, listForms, putForm } from '../../functions/forms/store.ts';
import { getPartner, listPartners, lookupPartner, putNewPartner } from '../../functions/partners/store.ts';
import { takeRateSlot } from '../../functions/rate-limit/rate-limit.ts';
import { CorruptItem, type Item } from '../../functions/records/storage/codec.ts';
import { codecs } from '../../functions/records/storage/codecs.ts';
import { createTaskOnce, listNotifications, listTasks, markRead } from '../../functions/notifications/store.ts';
import { directoryEntry, listDirectory, updateUserSettings } from '../../functions/users/directory.ts';
import { random, values } from './storage-values.ts';

/**
 * The stores over a table held in a Map (the document client is replaced): what they write is their kind's
 * codec item under keys.ts keys, and what they hand out is the domain value, never pk, sk or entityType.
 */
const table = new Map<string, Item>();
const k = (pk: unknown, sk: unknown) => `${String(pk)}\u0000${String(sk)}`;
const sent: { command: string; input: Record<string, unknown> }[] = [];

beforeAll(() => {
  process.env.TABLE_NAME ??= 'cirrus-test';
});

beforeEach(() => {
  table.clear();
  sent.length = 0;
  vi.spyOn(documentClient, 'send').mockImplementation((async (command: { constructor: { name: string }; input: Record<string, any> }) => {
    const { input } = command;
    sent.push({ command: command.constructor.name, input });
    switch (command.constructor.name) {
      case 'GetCommand': return { Item: table.get(k(input.Key.pk, input.Key.sk)) };
      case 'QueryCommand': return { Items: [...table.values()].filter((i) => i.pk === input.ExpressionAttributeValues[':pk']) };
      case 'PutCommand': table.set(k(input.Item.pk, input.Item.sk), input.Item); return {};
      case 'TransactWriteCommand': for (const t of input.TransactItems) table.set(k(t.Put.Item.pk, t.Put.Item.sk), t.Put.Item); return {};
      case 'BatchGetCommand': {
        const [req] = Object.values(input.RequestItems) as { Keys: { pk: string; sk: string }[] }[];
        return { Responses: { [process.env.TABLE_NAME!]: req!.Keys.map((key) => table.get(k(key.pk, key.sk))).filter(Boolean) } };
      }
      case 'UpdateCommand': {
        const current = table.get(k(input.Key.pk, input.Key.sk));
        if (String(input.ConditionExpression ?? '').startsWith('attribute_exists(pk)') && !current) {
          throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
        }
        const next: Item = { ...input.Key, ...current };
        for (const [name, attr] of Object.entries(input.ExpressionAttributeNames ?? {})) {
          const value = input.ExpressionAttributeValues[`:v${name.slice(2)}`];
          if (value !== undefined) next[attr as string] = value;
        }
        if (String(input.UpdateExpression).includes('ADD turn')) next.turn = Number(next.turn ?? 0) + 1, next.entityType = input.ExpressionAttributeValues[':type'];
        table.set(k(input.Key.pk, input.Key.sk), next);
        return { Attributes: input.ReturnValues === 'UPDATED_NEW' ? { turn: next.turn, entityType: next.entityType } : next };
      }
      default: throw new Error(`unexpected ${command.constructor.name}`);
    }
  }) as never);
});

afterEach(() => vi.restoreAllMocks());

const raw = (x: object) => Object.keys(x).filter((key) => ['pk', 'sk', 'entityType', 'expiresAt'].includes(key) || key.startsWith('gsi'));
const v = values(random(5));

describe('forms', () => {
  it('GET /api/forms material: listed and found forms are forms, not items', async () => {
    const forms = [v.form(), v.form()].map((f) => ({ ...f, tenantId: 'demo' }));
    for (const f of forms) await putForm(f);
    expect(table.get(k(`T#demo#form`, forms[0]!.id))).toEqual(codecs.form.encode(forms[0]!));
    expect(table.get(k(`R#form#${forms[0]!.id}`, '~route'))).toEqual({ pk: `R#form#${forms[0]!.id}`, sk: '~route', entityType: 'route', tenantId: 'demo' });
    const listed = await listForms('demo');
    expect(listed).toEqual(forms);
    for (const f of listed) expect(raw(f)).toEqual([]);
    expect(await findForm(forms[1]!.id)).toEqual(forms[1]);
    expect(await findForm('no-such-form')).toBeUndefined();
  });
});

describe('partners', () => {
  it('are stored with their routing item and read back as partners', async () => {
    const p = { ...v.partner(), id: 'p-1', tenantId: 'acme' };
    expect(await putNewPartner(p)).toBe(true);
    expect(table.get(k('T#acme#partner', 'p-1'))).toEqual(codecs.partner.encode(p));
    expect(await getPartner('acme', 'p-1')).toEqual(p);
    expect(await lookupPartner('p-1')).toEqual(p);
    expect(await lookupPartner('p-2')).toBeUndefined();
    const [listed] = await listPartners('acme');
    expect(raw(listed!)).toEqual([]);
  });

  it('a stored item that is not a partner is an error, not a partner', async () => {
    table.set(k('T#acme#partner', 'p-9'), { pk: 'T#acme#partner', sk: 'p-9', entityType: 'partner', id: 'p-9', name: 'no secret' });
    await expect(getPartner('acme', 'p-9')).rejects.toThrow(CorruptItem);
  });
});

describe('the rate limiter', () => {
  it('counts in the caller\'s minute window under keys.ts keys and names the wait when over the limit', async () => {
    const now = new Date(29_500_000 * 60_000 + 15_000);
    expect(await takeRateSlot('demo', 'partner:demo-partner', 5, now)).toEqual({ ok: true });
    const update = sent.at(-1)!.input as { Key: unknown; ExpressionAttributeValues: Record<string, unknown> };
    expect(update.Key).toEqual({ pk: 'T#demo#rate#partner:demo-partner', sk: '29500000' });
    expect(update.ExpressionAttributeValues[':exp']).toBe((29_500_000 + 2) * 60);
    vi.mocked(documentClient.send).mockRejectedValueOnce(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }) as never);
    expect(await takeRateSlot('demo', 'partner:demo-partner', 5, now)).toEqual({ ok: false, retryAfter: 45 });
  });
});

describe('assignment', () => {
  it('rule sets, round-robin turns and candidates go through their codecs', async () => {
    const rules = [{ ...v.rule(), id: 'china' }];
    const saved = await saveRuleSet('demo', rules, 0, 'admin-1', new Date('2026-01-01T00:00:00Z'));
    expect(table.get(k('T#demo#config', 'assignment-rules'))).toEqual(codecs.ruleSet.encode(saved!, { tenantId: 'demo' }));
    expect(await loadRuleSet('demo')).toEqual(saved);
    expect(await loadRuleSet('acme')).toEqual({ rules: [], version: 0 });
    expect([await nextTurn('demo', 'china'), await nextTurn('demo', 'china')]).toEqual([1, 2]);
    expect(table.get(k('T#demo#config', 'rr#china'))).toMatchObject({ turn: 2, entityType: 'round-robin' });
    // A counter-only entry has no id attribute: the candidate is still named by the sort key.
    table.set(k('T#demo#user', 'u-1'), { pk: 'T#demo#user', sk: 'u-1', entityType: 'user', email: 'a@b.cn', name: 'A', role: 'rep', openLeads: 3, away: true, managerId: 'm' });
    expect([...(await loadCandidates('demo', ['u-1', 'u-2'])).values()]).toEqual([{ id: 'u-1', away: true, openLeads: 3, managerId: 'm' }]);
  });
});

describe('the user directory', () => {
  it('updates settings of an existing entry only, and reads entries without storage attributes', async () => {
    const u = { ...v.user(), id: 'u-7', away: false };
    table.set(k('T#demo#user', 'u-7'), codecs.user.encode(u, { tenantId: 'demo' }));
    const updated = await updateUserSettings('demo', 'u-7', { away: true, timeZone: 'Europe/Berlin', language: undefined });
    expect(updated).toEqual({ ...u, away: true, timeZone: 'Europe/Berlin' });
    expect(raw(updated!)).toEqual([]);
    expect(await updateUserSettings('demo', 'nobody', { away: true })).toBeUndefined();
    expect(table.has(k('T#demo#user', 'nobody'))).toBe(false);
    expect((await directoryEntry('demo', 'u-7'))?.away).toBe(true);
    const [listed] = await listDirectory('demo');
    expect(raw(listed!)).toEqual([]);
  });
});

describe('notifications and tasks', () => {
  it('the bell shows notifications without their email state or storage attributes; ids open the item they name', async () => {
    const made = [v.notification(), v.notification()].map((n) => n.value);
    made[0] = { ...made[0]!, read: false, mail: { to: 'rep1@demo.local', status: 'sent', claimedAt: '2026-01-01T00:00:00.000Z', messageId: 'm-1' } };
    for (const n of made) table.set(k('T#demo#notif#u1', Buffer.from(n.id, 'base64url').toString()), codecs.notification.encode(n, { tenantId: 'demo', userId: 'u1' }));
    const { items } = await listNotifications('demo', 'u1', 30);
    expect(items).toHaveLength(2);
    for (const n of items) {
      expect(raw(n)).toEqual([]);
      expect(n).not.toHaveProperty('mail');
    }
    expect(items.find((n) => n.id === made[0]!.id)).toEqual((({ mail: _m, ...rest }) => rest)(made[0]!));
    expect(await markRead('demo', 'u1', made[0]!.id)).toBe(true);
    expect((sent.at(-1)!.input as { Key: unknown }).Key).toEqual({ pk: 'T#demo#notif#u1', sk: Buffer.from(made[0]!.id, 'base64url').toString() });
  });

  it('a call-back task is written once under T#<t>#task#<owner> / <dueAt>#<leadId> and listed as a task', async () => {
    const subject = { type: 'lead', id: 'L1', name: '王伟' };
    await createTaskOnce('demo', 'u1', { title: 'call-back', kind: 'call-back', dueAt: '2026-01-03T00:00:00.000Z', subject });
    expect(table.get(k('T#demo#task#u1', '2026-01-03T00:00:00.000Z#L1'))).toEqual({
      pk: 'T#demo#task#u1', sk: '2026-01-03T00:00:00.000Z#L1', entityType: 'task', title: 'call-back', kind: 'call-back', dueAt: '2026-01-03T00:00:00.000Z', subject, status: 'open',
    });
    expect(await listTasks('demo', 'u1', 100)).toEqual([
      { id: Buffer.from('2026-01-03T00:00:00.000Z#L1').toString('base64url'), title: 'call-back', kind: 'call-back', dueAt: '2026-01-03T00:00:00.000Z', status: 'open', subject },
    ]);
  });
});
