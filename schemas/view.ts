import * as z from 'zod/mini';
import { shortText } from './common.ts';

/**
 * Saved views and segments (CD-3, issue 7): a named list of one object — its columns (in order, with widths),
 * filters (`where`, the same clauses as `?where[field][op]=`), sort and density — private to its owner, shared
 * with the owner's team or with everyone. A view marked `segment` is a named audience that can be counted.
 */
export const VIEW_SHARING = ['private', 'team', 'all'] as const;
export const DENSITIES = ['compact', 'default', 'comfortable'] as const;
/** Views per tenant and object (they are listed from one partition). */
export const MAX_VIEWS_PER_OBJECT = 200;

const clauseValue = z.union([z.string().check(z.maxLength(2000)), z.number(), z.boolean(), z.array(z.union([z.string().check(z.maxLength(200)), z.number()])).check(z.maxLength(50))]);
const fieldName = z.string().check(z.minLength(1), z.maxLength(64));
/** `{"c_tier": {"eq": "gold"}, "amount": {"gte": 100000}}` */
export const viewWhere = z.record(fieldName, z.record(z.string().check(z.maxLength(32)), clauseValue));
export type ViewWhere = z.infer<typeof viewWhere>;

const viewFields = {
  name: shortText(100),
  shared: z.enum(VIEW_SHARING),
  columns: z.array(fieldName).check(z.minLength(1), z.maxLength(60)),
  widths: z.optional(z.record(fieldName, z.int().check(z.minimum(40), z.maximum(2000)))),
  where: z.optional(viewWhere),
  sort: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(65))).check(z.maxLength(3))),
  density: z.optional(z.enum(DENSITIES)),
  segment: z.optional(z.boolean()),
};

/** POST /api/views */
export const viewCreate = z.strictObject({ object: z.string().check(z.minLength(1), z.maxLength(64)), ...viewFields });
export type ViewCreate = z.infer<typeof viewCreate>;
/** PATCH /api/views/{id}: anything but the object. */
export const viewUpdate = z.strictObject({
  name: z.optional(viewFields.name), shared: z.optional(viewFields.shared), columns: z.optional(viewFields.columns),
  widths: z.optional(z.nullable(z.record(fieldName, z.int().check(z.minimum(40), z.maximum(2000))))),
  where: z.optional(viewWhere), sort: viewFields.sort, density: z.optional(z.nullable(z.enum(DENSITIES))), segment: viewFields.segment,
});
export type ViewUpdate = z.infer<typeof viewUpdate>;
/** PUT /api/views/last: the view a user last used on an object (null: none). */
export const lastViewPut = z.strictObject({ object: z.string().check(z.minLength(1), z.maxLength(64)), viewId: z.nullable(z.string().check(z.maxLength(64))) });

/** A saved view as stored and returned. */
export interface SavedView {
  id: string;
  object: string;
  name: string;
  shared: (typeof VIEW_SHARING)[number];
  columns: string[];
  widths?: Record<string, number>;
  where: ViewWhere;
  sort: string[];
  density?: (typeof DENSITIES)[number];
  segment: boolean;
  ownerId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}
