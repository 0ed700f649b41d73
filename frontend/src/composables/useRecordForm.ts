import { computed, ref, watch, type Ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessage } from 'element-plus';
import type { EntityName } from '@/adapter/records';
import { useSessionStore } from '@/stores/session';
import { changedBody, createBody } from '@/utils/changes';
import { useRecordSave, type Conflict, type Saved } from './useRecordSave';

export interface RecordFormOptions<T> {
  /** The dialog's v-model: opening it starts a new edit session from `source()`. */
  readonly open: Ref<boolean>;
  /** The record being edited (with its ETag), or none to create one. */
  readonly source: () => { record?: T | null; etag?: string };
  /** Puts a record (or the defaults for a new one) into the form. */
  readonly fill: (record: T | null | undefined) => void;
  /** Fields the form may send, and the form's values as the API takes them. */
  readonly fields: () => readonly string[];
  readonly values: () => Record<string, unknown>;
  /** Checks before sending; field → message. */
  readonly validate: () => Record<string, string>;
  /** i18n keys of the success messages. */
  readonly messages: { readonly saved: string; readonly created: string };
  readonly onSaved: (saved: Saved<T>) => void;
  readonly onReloaded: (saved: Saved<T>) => void;
}

/**
 * The edit session of a record form dialog: create sends the filled fields, edit sends only what changed
 * with If-Match, and a 412 offers to reload the version someone else saved (see useRecordSave).
 */
export function useRecordForm<T extends { id: string; version: number }>(entity: EntityName, o: RecordFormOptions<T>) {
  const { t } = useI18n();
  const sessionStore = useSessionStore();
  const saving = useRecordSave<T>(entity);
  const base = ref(null) as Ref<T | null>;
  const etag = ref<string | undefined>();
  const clientErrors = ref<Record<string, string>>({});

  watch(o.open, (v) => {
    if (!v) return;
    saving.reset();
    clientErrors.value = {};
    const { record, etag: tag } = o.source();
    base.value = record ?? null;
    etag.value = tag;
    o.fill(record);
  });

  const isEdit = computed(() => Boolean(base.value));
  const err = (f: string) => clientErrors.value[f] || saving.errors.value[f] || '';

  async function submit() {
    clientErrors.value = o.validate();
    if (Object.keys(clientErrors.value).length) return;
    let body: Record<string, unknown>;
    if (base.value) {
      body = changedBody(o.fields(), o.values(), base.value as unknown as Record<string, unknown>);
      if (!Object.keys(body).length) {
        ElMessage({ message: t('form.nothingChanged'), type: 'info' });
        o.open.value = false;
        return;
      }
    } else {
      body = createBody(o.fields(), o.values());
      if (body.ownerId === sessionStore.me?.id) delete body.ownerId;
    }
    const saved = await saving.save(body, base.value ? { id: base.value.id, etag: etag.value ?? `"${base.value.version}"` } : undefined);
    if (!saved) return;
    ElMessage({ message: t(isEdit.value ? o.messages.saved : o.messages.created), type: 'success' });
    o.open.value = false;
    o.onSaved(saved);
  }

  function reloadFromConflict() {
    const c = saving.conflict.value as Conflict<T> | null;
    if (!c) return;
    base.value = c.current;
    etag.value = c.etag;
    o.fill(c.current);
    saving.reset();
    o.onReloaded({ record: c.current, etag: c.etag });
    ElMessage({ message: t('conflict.reloaded'), type: 'info' });
  }

  return { ...saving, base, isEdit, err, submit, reloadFromConflict };
}
