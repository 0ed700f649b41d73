import { defineConfig } from 'vitest/config';

/** Runs the e2e tests against the in-memory stand-in runtime (no global setup): web-app work without `npm start`. */
export default defineConfig({
  test: { include: ['test/e2e/contacts.test.ts'], testTimeout: 90_000, hookTimeout: 90_000, fileParallelism: false },
});
