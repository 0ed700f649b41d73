import * as z from 'zod/mini';

/** An item as the document client reads and writes it. */
export type Item = Record<string, unknown>;
export interface Key {
  pk: string;
  sk: string;
}

/** Attributes the table needs and a domain value never has: keys, index keys, the kind, the TTL. */
export const STORAGE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'entityType', 'expiresAt',
]);

/** A stored item is not the kind it was read as, or not in its kind's shape: a bug or a bad migration, never user input. */
export class CorruptItem extends Error {
  constructor(readonly entityType: string, detail: string) {
    super(`Stored ${entityType} item: ${detail}`);
    this.name = 'CorruptItem';
  }
}

/**
 * One item kind of the single table. `encode` gives the whole item (keys from functions/commons/keys.ts,
 * `entityType`, derived attributes such as index keys and TTL); `decode` gives the domain value back
 * without any storage attribute, validated, so a store never hands a raw item to its caller.
 * `where` is what the key needs beyond the value (the tenant, the owner of a partition...).
 */
export interface Codec<V, W = void> {
  readonly entityType: string;
  encode(value: V, ...where: W extends void ? [] : [W]): Item;
  decode(item: Item): V;
}

/** The value of an item: everything but the storage attributes. */
export function attributesOf(item: Item, drop: readonly string[] = []): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!STORAGE_ATTRIBUTES.has(k) && !drop.includes(k)) out[k] = v;
  return out;
}

/** Validates a decoded value against its kind's shape. */
export function validate<V>(entityType: string, schema: z.ZodMiniType<V>, value: unknown): V {
  const result = z.safeParse(schema, value);
  if (!result.success) {
    throw new CorruptItem(entityType, result.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; '));
  }
  return result.data;
}

interface Spec<V, W> {
  readonly entityType: string;
  readonly schema: z.ZodMiniType<V>;
  readonly key: (value: V, where: W) => Key;
  /** Attributes the table derives from the value: index keys, TTL. */
  readonly derived?: (value: V, where: W) => Item;
  /** The stored attributes, when not the value itself (e.g. an id kept only in the sort key). */
  readonly toAttributes?: (value: V) => Item;
  /** The value's fields kept in the item's keys (e.g. an id read from the sort key), before validation. */
  readonly fromItem?: (attributes: Item, item: Item) => Item;
  /** Other stored attributes that are not part of the value. */
  readonly internal?: readonly string[];
}

/**
 * Builds a codec. An item whose `entityType` names another kind is refused; items written before a kind
 * carried `entityType` (rate windows, round-robin turns) are read by shape alone.
 */
export function defineCodec<V, W = void>(spec: Spec<V, W>): Codec<V, W> {
  return {
    entityType: spec.entityType,
    encode(value: V, ...rest: W extends void ? [] : [W]): Item {
      const where = rest[0] as W;
      return {
        ...(spec.toAttributes ? spec.toAttributes(value) : (value as Item)),
        ...spec.derived?.(value, where),
        ...spec.key(value, where),
        entityType: spec.entityType,
      };
    },
    decode(item: Item): V {
      if (item.entityType !== undefined && item.entityType !== spec.entityType) {
        throw new CorruptItem(spec.entityType, `read an item of kind ${String(item.entityType)}`);
      }
      const attributes = attributesOf(item, spec.internal);
      return validate(spec.entityType, spec.schema, spec.fromItem ? spec.fromItem(attributes, item) : attributes);
    },
  };
}

/** Decodes an item that may be absent (a GetItem that found nothing). */
export const decodeIf = <V>(codec: Pick<Codec<V, never>, 'decode'>, item: Item | undefined): V | undefined => (item ? codec.decode(item) : undefined);
