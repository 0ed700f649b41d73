/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
/** Element Plus' per-component stylesheets (side-effect modules), imported on demand (utils/toast.ts, AppLayout's drawer). */
declare module 'element-plus/es/components/*/style/css.mjs';
