import { defineConfig } from 'tsup';

// tsup compiles with @swc/core (a devDependency) when tsconfig.json sets `emitDecoratorMetadata`, which Nest's
// constructor injection (`ThreadsAuthGuard` needs `Reflector`) depends on: esbuild cannot emit that metadata.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // The reference carries @threads-auth/express's augmentation into the published types, so `req.threadsToken`
  // is typed wherever this package is imported (the bundler drops a side-effect import of it).
  dts: { banner: '/// <reference types="@threads-auth/express" />' },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
