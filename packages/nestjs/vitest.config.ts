import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The NestJS 11 install that test-nest11/package.json pulls in (a `file:` devDependency, so its peers resolve
// to NestJS 11 among themselves). The `nest11` project points every `@nestjs/*` import of src/ and test/ there.
const nest11 = createRequire(createRequire(import.meta.url).resolve('@threads-auth/nestjs-test-nest11/package.json'));
const nest11Alias = Object.fromEntries(
  ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', '@nestjs/platform-fastify', '@nestjs/config'].map((name) => [name, dirname(nest11.resolve(`${name}/package.json`))]),
);

export default defineConfig({
  // Nest reads constructor parameter types from decorator metadata, which esbuild does not emit (Nest's docs
  // recommend unplugin-swc for vitest).
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    testTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'nest12', include: ['test/**/*.test.ts'], env: { NEST_MAJOR: '12' } } },
      {
        extends: true,
        // Once is enough for these two: package.test.ts picks the NestJS major of its child processes itself, and
        // readme.test.ts type-checks the README against the devDependencies' NestJS.
        test: { name: 'nest11', include: ['test/**/*.test.ts'], exclude: ['test/package.test.ts', 'test/readme.test.ts'], env: { NEST_MAJOR: '11' } },
        resolve: { alias: nest11Alias },
      },
    ],
  },
});
