import type { RouteLocationRaw } from 'vue-router';
import type { MetaObject } from '@/adapter/metadata';
import { READ_ONLY_OBJECTS } from '@/views/objects/readOnly';

/**
 * The command palette's "New <object>" commands (issue 7): one per object the person may create records of
 * — the same rule as the New button of the object's list (views/objects/ObjectList.vue: an object with
 * write routes and a field the person may write) — opening the object's list with its create form
 * (`/o/<object>?new=1`). Standard objects first, then custom ones, in metadata order.
 */
export interface NewCommand {
  key: string;
  object: string;
  /** The object's singular label in both languages (the palette says "New {label}"). */
  label: MetaObject['label'];
  to: RouteLocationRaw;
}

export function newRecordCommands(objects: readonly MetaObject[]): NewCommand[] {
  return objects
    .filter((o) => o.active !== false && !READ_ONLY_OBJECTS.has(o.apiName) && o.fields.some((f) => f.writable))
    .map((o) => ({
      key: `new-${o.apiName}`,
      object: o.apiName,
      label: o.label,
      to: { name: 'object-list', params: { object: o.apiName }, query: { new: '1' } },
    }));
}
