import * as z from 'zod/mini';

/**
 * The building blocks of the event catalogue (contracts/events.ts): the envelope every event carries, a
 * record snapshot, and the entry helpers. Apart so that each domain's catalogue file (contracts/marketing/…)
 * can use them without importing the catalogue that spreads it.
 */

/** What every event says, whatever it is about. */
export const envelope = {
  eventId: z.string(),
  name: z.string(),
  version: z.int(),
  tenantId: z.string(),
  occurredAt: z.string(),
  /** A person (user id) or a system actor (`system:assignment`, `system:callback-timer`, ...). */
  actor: z.looseObject({ id: z.string(), name: z.string() }),
  subject: z.looseObject({ type: z.string(), id: z.string() }),
  /** Fields changed, on `*.updated` and workflow events. */
  changes: z.optional(z.array(z.string())),
  /** Follows a request into the events it causes and the emails they send. */
  correlationId: z.optional(z.string()),
};

/** A record as it was after the change; records have custom fields, so the snapshot stays open. */
export const snapshot = {
  id: z.string(),
  version: z.int(),
  createdAt: z.string(),
  updatedAt: z.optional(z.string()),
  ownerId: z.optional(z.string()),
  deletedAt: z.optional(z.string()),
};
export const event = <D extends z.ZodMiniType>(data: D) => z.looseObject({ ...envelope, data });

export interface CatalogueEntry<S extends z.ZodMiniType = z.ZodMiniType> {
  readonly summary: string;
  /** Version → payload schema; the highest is what Cirrus publishes today. */
  readonly versions: Readonly<Record<number, S>>;
}
export const v1 = <S extends z.ZodMiniType>(summary: string, schema: S): CatalogueEntry<S> => ({ summary, versions: { 1: schema } });

export const recordEvents = <P extends string, D extends z.ZodMiniType>(type: P, label: string, data: D) => ({
  [`${type}.created`]: v1(`A ${label} was created.`, event(data)),
  [`${type}.updated`]: v1(`A ${label} was changed; \`changes\` names the fields.`, event(data)),
  [`${type}.deleted`]: v1(`A ${label} was moved to the trash (soft delete; it can be restored).`, event(data)),
  [`${type}.restored`]: v1(`A ${label} was restored from the trash.`, event(data)),
}) as Record<`${P}.${'created' | 'updated' | 'deleted' | 'restored'}`, CatalogueEntry<ReturnType<typeof event<D>>>>;

