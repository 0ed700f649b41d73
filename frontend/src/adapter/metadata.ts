import type { FieldCreate, FieldType, FieldUpdate, Localized, MetadataJob, ObjectCreate, PicklistOption, FieldPermissions } from '#schemas/metadata.ts';
import type { SharingLevel, SharingUpdate, SharedRole } from '#schemas/sharing.ts';
import { api, request } from './http';
import type { FieldMeta as MetaField, ObjectMeta as MetaObject, MetadataDocument } from './objects';

/**
 * Typed calls for objects as data (issue 7): GET /api/metadata, the admin's changes to objects, fields and
 * record visibility (Settings → Objects and fields), and the one search behind the command palette.
 */
export type { FieldCreate, FieldType, FieldUpdate, Localized, MetadataJob, ObjectCreate, PicklistOption, FieldPermissions, SharingLevel, SharingUpdate, SharedRole };

/** The same shapes the generic pages read (adapter/objects.ts), under the names the Settings pages use. */
export type { FieldMeta as MetaField, ObjectMeta as MetaObject, MetadataDocument } from './objects';

export interface ObjectSharing {
  read: SharingLevel;
  edit: SharingLevel;
}
export type SharingView = Record<SharedRole | 'admin', ObjectSharing> & { object: string; customized: SharedRole[]; version: number };

export interface SearchHit {
  object: string;
  id: string;
  name: string;
  subtitle?: string;
}

const obj = (object: string) => `/api/metadata/objects/${encodeURIComponent(object)}`;
const fld = (object: string, field: string) => `${obj(object)}/fields/${encodeURIComponent(field)}`;

export const metadataApi = {
  /** Every object and field the caller may see; admins may add deactivated ones (`inactive`). */
  describe: (inactive = false) =>
    api.get<MetadataDocument>('/api/metadata', inactive ? { include: 'inactive' } : undefined).then((r) => r.data),
  createObject: (body: ObjectCreate) => api.post<MetaObject>('/api/metadata/objects', body).then((r) => r.data),
  updateObject: (object: string, body: Partial<Pick<ObjectCreate, 'label' | 'labelPlural' | 'icon' | 'nameField'>>) =>
    api.patch<MetaObject>(obj(object), body).then((r) => r.data),
  deactivateObject: (object: string) => api.del(obj(object)),
  restoreObject: (object: string) => api.post<MetaObject>(`${obj(object)}/restore`).then((r) => r.data),
  addField: (object: string, body: FieldCreate) => api.post<MetaField>(`${obj(object)}/fields`, body).then((r) => r.data),
  updateField: (object: string, field: string, body: FieldUpdate) => api.patch<MetaField>(fld(object, field), body).then((r) => r.data),
  deactivateField: (object: string, field: string) => api.del(fld(object, field)),
  restoreField: (object: string, field: string) => api.post<MetaField>(`${fld(object, field)}/restore`).then((r) => r.data),
  /** The order of an object's fields (API names; the ones left out follow in their own order). */
  setLayout: (object: string, fields: string[]) => request<MetaObject>('PUT', `${obj(object)}/layout`, { body: { fields } }).then((r) => r.data),
  /** Starts the purge of a deactivated field's values (202 and the job); its progress from `job`. */
  purgeField: (object: string, field: string) => api.post<MetadataJob>(`${fld(object, field)}/purge`, {}).then((r) => r.data),
  job: (id: string) => api.get<MetadataJob>(`/api/metadata/jobs/${encodeURIComponent(id)}`).then((r) => r.data),
  sharing: (object: string) => api.get<SharingView>(`${obj(object)}/sharing`).then((r) => r.data),
  putSharing: (object: string, body: SharingUpdate) => request<SharingView>('PUT', `${obj(object)}/sharing`, { body }).then((r) => r.data),
};

export const searchApi = {
  search: (q: string, signal?: AbortSignal) =>
    api.get<{ items: SearchHit[] }>('/api/search', { q }, signal).then((r) => r.data.items),
};
