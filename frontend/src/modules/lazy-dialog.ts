import { defineComponent, h, nextTick, shallowRef, ref, watch, type Component } from 'vue';

/**
 * A dialog component (one with `v-model:open`) whose code is fetched the first time it opens, not with the
 * page that holds it (issue 7, first load: the contact form and its selects, validators and schemas are not
 * needed to show the list). Used as a drop-in for the import:
 *   const ContactForm = lazyDialog(() => import('./ContactForm.vue'));
 * Every other prop, listener and slot passes through. On the first open the dialog is mounted closed and
 * then opened, so it sees the same open transition (and `@opened`) as a dialog that was there all along.
 */
export function lazyDialog(loader: () => Promise<{ default: Component }>): Component {
  return defineComponent({
    name: 'LazyDialog',
    inheritAttrs: false,
    props: { open: { type: Boolean, default: false } },
    emits: ['update:open'],
    setup(props, { attrs, emit, slots }) {
      const inner = shallowRef<Component>();
      const shown = ref(false);
      watch(
        () => props.open,
        async (open) => {
          if (open && !inner.value) {
            inner.value = (await loader()).default;
            await nextTick();
          }
          shown.value = props.open;
        },
        { immediate: true },
      );
      return () =>
        inner.value ? h(inner.value, { ...attrs, open: shown.value, 'onUpdate:open': (v: boolean) => emit('update:open', v) }, slots) : null;
    },
  });
}
