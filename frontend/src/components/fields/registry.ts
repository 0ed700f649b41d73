import { defineAsyncComponent, type Component } from 'vue';
import type { FieldType } from '@/adapter/objects';
import type { FieldFormat } from '#schemas/metadata.ts';
import BooleanDisplay from './BooleanDisplay.vue';
import LinkDisplay from './LinkDisplay.vue';
import PicklistDisplay from './PicklistDisplay.vue';
import RelationDisplay from './RelationDisplay.vue';
import TextDisplay from './TextDisplay.vue';
import UserDisplay from './UserDisplay.vue';

/**
 * One editor and one display per field type (issue 7, "one component per field type"). Displays take
 * `{field, value}`; editors take `{field, dataTest, disabled}` and `v-model` the value in the API's shape
 * (money in minor units, dates as ISO strings, relations as ids). Editors are fetched when a form or a
 * filter first needs them, so a list page does not carry the date picker.
 */
const loaders = new Map<Component, () => Promise<unknown>>();
const lazy = (load: () => Promise<{ default: Component }>) => {
  const c = defineAsyncComponent(load);
  loaders.set(c, load);
  return c;
};
const TextEditor = lazy(() => import('./TextEditor.vue'));
const LongTextEditor = lazy(() => import('./LongTextEditor.vue'));
const NumberEditor = lazy(() => import('./NumberEditor.vue'));
const MoneyEditor = lazy(() => import('./MoneyEditor.vue'));
const DateEditor = lazy(() => import('./DateEditor.vue'));
const BooleanEditor = lazy(() => import('./BooleanEditor.vue'));
const PicklistEditor = lazy(() => import('./PicklistEditor.vue'));
const UserEditor = lazy(() => import('./UserEditor.vue'));
const RelationEditor = lazy(() => import('./RelationEditor.vue'));
const PhoneEditor = lazy(() => import('./PhoneEditor.vue'));
const CountryEditor = lazy(() => import('./CountryEditor.vue'));

export interface FieldComponents {
  readonly editor: Component;
  readonly display: Component;
}

export const FIELD_COMPONENTS: Readonly<Record<FieldType, FieldComponents>> = {
  text: { editor: TextEditor, display: TextDisplay },
  longText: { editor: LongTextEditor, display: TextDisplay },
  number: { editor: NumberEditor, display: TextDisplay },
  money: { editor: MoneyEditor, display: TextDisplay },
  percent: { editor: NumberEditor, display: TextDisplay },
  date: { editor: DateEditor, display: TextDisplay },
  datetime: { editor: DateEditor, display: TextDisplay },
  boolean: { editor: BooleanEditor, display: BooleanDisplay },
  picklist: { editor: PicklistEditor, display: PicklistDisplay },
  multiPicklist: { editor: PicklistEditor, display: PicklistDisplay },
  email: { editor: TextEditor, display: LinkDisplay },
  phone: { editor: PhoneEditor, display: LinkDisplay },
  url: { editor: TextEditor, display: LinkDisplay },
  user: { editor: UserEditor, display: UserDisplay },
  relation: { editor: RelationEditor, display: RelationDisplay },
};

export const editorOf = (type: FieldType): Component => FIELD_COMPONENTS[type]?.editor ?? TextEditor;
export const displayOf = (type: FieldType): Component => FIELD_COMPONENTS[type]?.display ?? TextDisplay;

/** The editor of one field: its type's, except a field holding a country code (metadata `format`), which is a country picker. */
export const editorFor = (f: { type: FieldType; format?: FieldFormat }): Component =>
  f.format === 'country' ? CountryEditor : editorOf(f.type);

/** Fetches the editors these fields need, so a form shows all its fields at once (none pops in while typing). */
export async function preloadEditors(fields: readonly { type: FieldType; format?: FieldFormat }[]): Promise<void> {
  await Promise.all([...new Set(fields.map((f) => editorFor(f)))].map((c) => loaders.get(c)?.()));
}
