/**
 * `npm start` works right after `npm install`: build the web app once if it has never been built.
 * (`npm run build:web` rebuilds it after changes.)
 */
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
if (!existsSync(resolve(root, 'dist/web/index.html'))) {
  console.error('Building the web app once (npm run build:web)…');
  try {
    execFileSync(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'frontend/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  } catch {
    console.error('Could not build the web app; the API still starts. Run `npm run build:web` to see why.');
  }
}
