import * as z from 'zod/mini';

/**
 * Record visibility (CD-7) as the API takes and gives it: per object, each role's read and edit level.
 * `PUT /api/metadata/objects/{object}/sharing` with `{"rep":{"read":"own|team|all","edit":"own|team|all"},
 * "manager":{...}}`; roles left out keep what they had. Admins always read and edit every record, so they
 * are not set here. An edit level wider than the read level is refused (400 naming `<role>.edit`).
 */
export const SHARING_LEVELS = ['own', 'team', 'all'] as const;
export type SharingLevel = (typeof SHARING_LEVELS)[number];
export const SHARED_ROLES = ['rep', 'manager', 'marketer', 'agent'] as const;
export type SharedRole = (typeof SHARED_ROLES)[number];

export const objectSharing = z.strictObject({ read: z.enum(SHARING_LEVELS), edit: z.enum(SHARING_LEVELS) });
export const sharingUpdate = z.strictObject({
  rep: z.optional(objectSharing),
  manager: z.optional(objectSharing),
  marketer: z.optional(objectSharing),
  agent: z.optional(objectSharing),
});
export type SharingUpdate = z.infer<typeof sharingUpdate>;

/** What GET and PUT answer: every role's effective levels (set or default) and which roles an admin set. */
export const sharingView = z.object({
  object: z.string(),
  rep: objectSharing, manager: objectSharing, marketer: objectSharing, agent: objectSharing,
  admin: objectSharing,
  /** The roles whose levels an admin set (the others follow the defaults). */
  customized: z.array(z.enum(SHARED_ROLES)),
  /** Moved by every change of this object's sharing. */
  version: z.number(),
});
