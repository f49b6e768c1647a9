/**
 * The one build configuration every published package shares: dual ESM/CJS with declarations for both
 * (`types` first in each package's `exports`), source maps, Node 20. A package's tsup.config.ts passes only
 * what differs (extra entries, a declaration banner, kept names).
 */
import { defineConfig, type Options } from 'tsup';

export function packageBuild(overrides: Options = {}) {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    ...overrides,
  });
}
