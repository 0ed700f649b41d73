import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import { objectsApi, type FieldMeta, type Localized, type MetadataDocument, type ObjectMeta } from '@/adapter/objects';
import { onSessionChange } from '@/adapter/session';
import { currentLocale } from '@/modules/i18n';

/**
 * The objects and fields the signed-in person may see (GET /api/metadata), loaded once per session, and the
 * names of records that relation fields point at (fetched once per record, shared by every page).
 */
export const useMetadataStore = defineStore('metadata', () => {
  const doc = ref<MetadataDocument | null>(null);
  let loading: Promise<MetadataDocument | null> | undefined;
  /** `accounts:01H…` → the record's name (`''` while it is being fetched, `null` if it cannot be read). */
  const names = reactive(new Map<string, string | null>());
  onSessionChange((signedIn) => {
    if (!signedIn) {
      doc.value = null;
      loading = undefined;
      names.clear();
    }
  });

  function load(force = false): Promise<MetadataDocument | null> {
    if (force) loading = undefined;
    loading ??= objectsApi
      .metadata()
      .then((d) => (doc.value = d))
      .catch(() => {
        loading = undefined;
        return null;
      });
    return loading;
  }

  const objects = computed<ObjectMeta[]>(() => doc.value?.objects.filter((o) => o.active !== false) ?? []);
  const customObjects = computed(() => objects.value.filter((o) => o.custom));
  const object = (apiName: string) => objects.value.find((o) => o.apiName === apiName);
  /** The fields a person may see, in metadata order. */
  const readableFields = (o: ObjectMeta | undefined): FieldMeta[] => (o?.fields ?? []).filter((f) => f.active !== false && f.readable);

  /** A `{en, zh-CN}` label in the UI language. */
  const label = (l: Localized | undefined): string => (l ? (l[currentLocale.value] ?? l.en) : '');

  /** The name of a record a relation points at; fetched on first ask. */
  function nameOf(target: string, id: string): string | null {
    const key = `${target}:${id}`;
    if (!names.has(key)) {
      names.set(key, '');
      objectsApi.get(target, id).then(
        (r) => names.set(key, r.data.name ?? id),
        () => names.set(key, null),
      );
    }
    return names.get(key) ?? null;
  }
  const rememberName = (target: string, id: string, name: string) => names.set(`${target}:${id}`, name);

  return { doc, load, objects, customObjects, object, readableFields, label, nameOf, rememberName };
});
