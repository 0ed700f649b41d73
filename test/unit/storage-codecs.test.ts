import { describe, expect, it } from 'vitest';
import { DynamoRecordStore, recordItem } from '../../functions/records/dynamo-store.ts';
import type { ChangeSet } from '../../functions/records/store.ts';
import { searchEntry } from '../../functions/records/search/entry.ts';
import { CorruptItem, STORAGE_ATTRIBUTES, type Item } from '../../functions/records/storage/codec.ts';
import { codecs } from '../../functions/records/storage/codecs.ts';
import { cases, random, values } from './storage-values.ts';

/** Every item kind of docs/data-model.md has a codec: decode(encode(x)) is x, and decode never hands out storage attributes. */
describe.each(Object.keys(codecs))('the %s codec', (kind) => {
  const mine = cases(7, 60).filter((c) => c.kind === kind);

  it('gives back what it stored, for generated values', () => {
    for (const c of mine) {
      const item = c.codec.encode(c.value, c.where as never);
      // What the table receives is plain data (the document client marshals it), so go through JSON once.
      expect(c.codec.decode(JSON.parse(JSON.stringify(item)) as Item)).toEqual(c.value);
    }
  });

  it('writes the keys and the kind, and reads back no storage attribute', () => {
    for (const c of mine) {
      const item = c.codec.encode(c.value, c.where as never);
      expect(typeof item.pk).toBe('string');
      expect(typeof item.sk).toBe('string');
      expect(item.entityType).toBeTypeOf('string');
      const decoded = c.codec.decode(item) as Item;
      expect(Object.keys(decoded).filter((k) => STORAGE_ATTRIBUTES.has(k))).toEqual([]);
    }
  });

  it('refuses an item of another kind and an item not in its shape', () => {
    const c = mine[0]!;
    const item = c.codec.encode(c.value, c.where as never);
    expect(() => c.codec.decode({ ...item, entityType: 'no-such-kind' })).toThrow(CorruptItem);
    const broken = Object.fromEntries(Object.entries(item).filter(([k]) => STORAGE_ATTRIBUTES.has(k)));
    expect(() => c.codec.decode(broken)).toThrow(CorruptItem);
  });
});

describe('codec details', () => {
  it('derives the TTL of outbox events (7 d), notifications (90 d) and rate windows (2 min)', () => {
    const [ev] = cases(1, 1).filter((c) => c.kind === 'outboxEvent');
    const at = Date.parse((ev!.value as { occurredAt: string }).occurredAt) / 1000;
    expect(codecs.outboxEvent.encode(ev!.value as never).expiresAt).toBe(Math.floor(at) + 7 * 86400);
    const n = codecs.notification.encode(
      { id: Buffer.from('2026-01-01T00:00:00.000Z#e:lead-assigned').toString('base64url'), at: '2026-01-01T00:00:00.000Z', kind: 'lead-assigned', read: false, subject: { type: 'lead', id: 'l', name: 'L' } },
      { tenantId: 'demo', userId: 'u' },
    );
    expect(n).toMatchObject({ pk: 'T#demo#notif#u', sk: '2026-01-01T00:00:00.000Z#e:lead-assigned', expiresAt: Date.parse('2026-01-01T00:00:00Z') / 1000 + 90 * 86400 });
    expect(n).not.toHaveProperty('id');
    expect(codecs.rateWindow.encode({ used: 3 }, { tenantId: 'demo', scope: 'partner:p', epochMinute: 100 })).toEqual({ pk: 'T#demo#rate#partner:p', sk: '100', entityType: 'rate-window', used: 3, expiresAt: 6120 });
  });

  it('reads a directory entry by its sort key when the item has no id attribute', () => {
    expect(codecs.user.decode({ pk: 'T#demo#user', sk: 'u-1', email: 'a@b.cn', name: 'A', role: 'rep' })).toEqual({ id: 'u-1', email: 'a@b.cn', name: 'A', role: 'rep' });
  });

  it('reads items written before a kind carried entityType (round-robin turns, rate windows) by their shape', () => {
    expect(codecs.roundRobin.decode({ turn: 4 })).toEqual({ turn: 4 });
    expect(codecs.rateWindow.decode({ pk: 'T#demo#rate#x', sk: '1', used: 2, expiresAt: 180 })).toEqual({ used: 2 });
  });

  it('drops attributes a kind does not have (a form read back is the form, nothing else)', () => {
    const [f] = cases(3, 1).filter((c) => c.kind === 'form');
    const item = { ...codecs.form.encode(f!.value as never), gsi1pk: 'x', expiresAt: 1, stray: 'y' };
    expect(codecs.form.decode(item)).toEqual(f!.value);
  });
});

describe('the record store writes what the codecs encode', () => {
  const v = values(random(11));

  it('a record item is the record codec\'s item (live and deleted)', () => {
    for (let i = 0; i < 40; i++) {
      const record = v.record();
      const tenantId = v.tenant();
      expect(recordItem(tenantId, 'lead', record)).toEqual(codecs.record.encode(record, { tenantId, type: 'lead' }));
    }
  });

  it('every item of a change is the item of its kind\'s codec', async () => {
    for (let i = 0; i < 10; i++) {
      const tenantId = v.tenant();
      const record = { ...v.record(), deletedAt: undefined, deletedBy: undefined };
      delete record.deletedAt;
      delete record.deletedBy;
      const timeline = v.timeline();
      const audit = { ...v.audit(), recordType: 'contact', recordId: record.id };
      const event = { ...v.event(), tenantId };
      const guard = { field: 'email', value: v.email() };
      const change: ChangeSet = {
        tenantId, type: 'contact', record, uniquesAdded: [guard], uniquesRemoved: [], tokensPut: ['ada', '86138'], tokensRemoved: [],
        timeline: [{ type: 'contact', id: record.id, entry: timeline }], audit, event,
        idempotency: { scope: 'partner:p1', key: 'k-1', bodyHash: 'ab', response: { id: record.id, status: 'accepted' }, expiresAt: 1_900_000_000 },
        linkPut: { parentType: 'account', parentId: 'A1', summary: { id: record.id, name: record.name, ownerId: record.ownerId, title: 'CTO' } },
      };
      const sent: { Put?: { Item: Item } }[][] = [];
      const client = { send: async (command: { input: { TransactItems: { Put?: { Item: Item } }[] } }) => { sent.push(command.input.TransactItems); return {}; } };
      await new DynamoRecordStore(client as never, 'table').commit(change);
      const puts = sent[0]!.flatMap((t) => (t.Put ? [t.Put.Item] : []));
      const expected = [
        codecs.record.encode(record, { tenantId, type: 'contact' }),
        codecs.uniqueGuard.encode({ id: record.id, ...guard }, { tenantId, type: 'contact' }),
        codecs.searchToken.encode(searchEntry('contact', record), { tenantId, type: 'contact', token: 'ada' }),
        codecs.searchToken.encode(searchEntry('contact', record), { tenantId, type: 'contact', token: '86138' }),
        codecs.timeline.encode(timeline, { tenantId, type: 'contact', id: record.id }),
        codecs.audit.encode(audit, { tenantId }),
        codecs.outboxEvent.encode(event),
        codecs.idempotency.encode({ bodyHash: 'ab', response: { id: record.id, status: 'accepted' } }, { tenantId, scope: 'partner:p1', key: 'k-1', expiresAt: 1_900_000_000 }),
        codecs.childLink.encode({ type: 'contact', id: record.id, name: record.name, ownerId: record.ownerId, title: 'CTO' }, { tenantId, parentType: 'account', parentId: 'A1' }),
      ];
      expect(puts).toEqual(expected);
      // And what a store reads back of them is the domain value, not the item.
      // A search token carries the id and display fields, not a copy of the record (issue 7).
      expect(codecs.searchToken.decode(puts[2]!)).toEqual(searchEntry('contact', record));
      expect(codecs.childLink.decode(puts[8]!)).toEqual({ type: 'contact', id: record.id, name: record.name, ownerId: record.ownerId, title: 'CTO' });
    }
  });
});
