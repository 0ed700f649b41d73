import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

/**
 * The web app (PLT-8). Built into dist/web, which both runtimes serve as static files
 * (CloudFront/S3 in AWS, the local runtime on `npm start`). `npm run dev:web`-style use:
 * `vite --config frontend/vite.config.ts` proxies the API and the auth emulator to the local runtime on :3000.
 */
const backend = process.env.CIRRUS_BACKEND ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // vue-i18n in composition mode only (createI18n({ legacy: false })), without its global <i18n-t>/v-t install;
  // Vue without the Options API (the app and Element Plus use the Composition API).
  define: {
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __VUE_OPTIONS_API__: 'false',
  },
  plugins: [
    vue(),
    // Element Plus per use (issue 7, first load): each `<el-…>` tag and `v-loading` becomes an import of that
    // component and its CSS in the chunk of the view using it; the app's own components stay explicit imports.
    components({ dirs: [], dts: false, resolvers: [ElementPlusResolver({ importStyle: 'css', directives: true })] }),
  ],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      '#schemas': fileURLToPath(new URL('../schemas', import.meta.url)),
      // vue-i18n without its message compiler: messages are compiled by src/modules/message-compiler.ts.
      '@intlify/message-compiler': fileURLToPath(new URL('./src/modules/message-compiler-stub.ts', import.meta.url)),
      // Element Plus' colour library, used only for custom button/menu colours the app does not set.
      '@ctrl/tinycolor': fileURLToPath(new URL('./src/modules/tinycolor-stub.ts', import.meta.url)),
    },
  },
  server: {
    port: 5173,
    proxy: {
      '/api': backend,
      '/config.json': backend,
      '/_aws': backend,
      '/_local': backend,
      // Cognito's wire protocol is a POST to the endpoint root with an X-Amz-Target header.
      '^/$': {
        target: backend,
        bypass: (req) => (req.method === 'POST' && req.headers['x-amz-target'] ? undefined : req.url),
      },
    },
  },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/, priority: 30 },
            // Element Plus has no group of its own: its components land in the chunks of the routes that use
            // them (shared ones in shared chunks), so the sign-in page does not load the table, menu or dialogs.
            // The Cognito SDK and echarts are reached only through dynamic import(), so they get their own lazy chunks.
          ],
        },
      },
    },
  },
});
