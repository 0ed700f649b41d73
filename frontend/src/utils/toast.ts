import type { MessageOptions } from 'element-plus';

/**
 * A toast (Element Plus' ElMessage), fetched with its stylesheet the first time one is raised: no page needs it to
 * render, so it stays out of every page's first load (issue 7). Same options as ElMessage.
 */
let loading: Promise<(o: MessageOptions) => unknown> | undefined;
export function toast(options: MessageOptions): void {
  loading ??= Promise.all([
    import('element-plus/es/components/message/index.mjs'),
    import('element-plus/es/components/message/style/css.mjs'),
  ]).then(([m]) => m.ElMessage);
  void loading.then((show) => show(options));
}
