import { packageBuild } from '../../tsup.config.base';

// tsup compiles with @swc/core (a devDependency) when tsconfig.json sets `emitDecoratorMetadata`, which Nest's
// constructor injection (`ThreadsAuthGuard` needs `Reflector`) depends on: esbuild cannot emit that metadata.
// The declaration banner carries @threads-auth/express's and @threads-auth/fastify's augmentations into the
// published types, so `req.threadsToken` (Express) and `request.threadsToken` (FastifyRequest) are typed wherever
// this package is imported (the bundler drops a side-effect import of them).
export default packageBuild({ dts: { banner: '/// <reference types="@threads-auth/express" />\n/// <reference types="@threads-auth/fastify" />' } });
