import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

/**
 * The web app (PLT-8). Built into dist/web, which both runtimes serve as static files
 * (CloudFront/S3 in AWS, the local runtime on `npm start`). `npm run dev:web`-style use:
 * `vite --config frontend/vite.config.ts` proxies the API and the auth emulator to the local runtime on :3000.
 */
const backend = process.env.CIRRUS_BACKEND ?? 'http://localhost:3000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
      '#schemas': fileURLToPath(new URL('../schemas', import.meta.url)),
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
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@ctrl|async-validator|lodash-es|lodash-unified|dayjs|memoize-one|normalize-wheel-es|@sxzz|@popperjs)[\\/]/, priority: 20 },
            // The Cognito SDK and echarts are reached only through dynamic import(), so they get their own lazy chunks.
          ],
        },
      },
    },
  },
});
