import { ref } from 'vue';
import { ApiError } from '@/adapter/http';
import { recordsApi, type EntityName } from '@/adapter/records';
import { fieldErrors, problemMessage } from '@/utils/problems';

export interface Saved<T> {
  record: T;
  etag: string;
}

export interface Conflict<T> {
  current: T;
  etag: string;
  version: number;
}

/**
 * Create/update with the API's error contract: 400 field errors beside their fields, 409 duplicate with a
 * link to the existing record, 403 as a message, 412 (someone else saved first) as a conflict to resolve.
 */
export function useRecordSave<T extends { id: string; version: number }>(entity: EntityName) {
  const errors = ref<Record<string, string>>({});
  const message = ref('');
  const duplicate = ref<{ id: string; name: string } | null>(null);
  const conflict = ref<Conflict<T> | null>(null);
  const saving = ref(false);

  function reset() {
    errors.value = {};
    message.value = '';
    duplicate.value = null;
    conflict.value = null;
  }

  async function save(body: Record<string, unknown>, existing?: { id: string; etag: string }): Promise<Saved<T> | undefined> {
    reset();
    saving.value = true;
    try {
      const res = existing
        ? await recordsApi.update<T>(entity, existing.id, body, existing.etag)
        : await recordsApi.create<T>(entity, body);
      return { record: res.data, etag: res.etag ?? `"${res.data.version}"` };
    } catch (e) {
      if (e instanceof ApiError) {
        const p = e.problem;
        if (e.status === 412 && p.current) {
          const current = p.current as T;
          const version = Number(p.currentVersion ?? current.version);
          conflict.value = { current, version, etag: e.headers.get('etag') ?? `"${version}"` };
          return undefined;
        }
        if (e.status === 409 && typeof p.existingId === 'string') {
          duplicate.value = { id: p.existingId, name: String(p.existingName ?? p.existingId) };
          errors.value = { email: ' ' };
          return undefined;
        }
        if (e.status === 400 || e.status === 403) errors.value = fieldErrors(e);
        const general = errors.value._;
        delete errors.value._;
        message.value = general ?? problemMessage(e);
        if (e.status === 403 && p.detail) message.value = problemMessage(e);
        return undefined;
      }
      message.value = problemMessage(e);
      return undefined;
    } finally {
      saving.value = false;
    }
  }

  return { errors, message, duplicate, conflict, saving, save, reset };
}
