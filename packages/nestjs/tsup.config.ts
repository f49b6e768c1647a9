import { packageBuild } from '../../tsup.config.base';

// tsup compiles with @swc/core (a devDependency) when tsconfig.json sets `emitDecoratorMetadata`, which Nest's
// constructor injection (`ThreadsAuthGuard` needs `Reflector`) depends on: esbuild cannot emit that metadata.
// The declaration banner carries @threads-auth/express's augmentation into the published types, so
// `req.threadsToken` is typed wherever this package is imported (the bundler drops a side-effect import of it).
export default packageBuild({ dts: { banner: '/// <reference types="@threads-auth/express" />' } });
