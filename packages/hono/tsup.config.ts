import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // The middleware is the named `async function threadsAuth(ctx, next)` inside `threadsAuth(options)`; without
  // this, bundling renames the inner one `threadsAuth2`, and Koa tooling shows that name.
  keepNames: true,
});
