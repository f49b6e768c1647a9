import { defineConfig } from 'vitest/config';

// The bin tests spawn several Node processes each; on a loaded 2-core machine one may take a few seconds.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 },
});
