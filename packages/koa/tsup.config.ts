import { packageBuild } from '../../tsup.config.base';

// The middleware is the named `async function threadsAuth(ctx, next)` inside `threadsAuth(options)`; without
// keepNames, bundling renames the inner one `threadsAuth2`, and Koa tooling shows that name.
export default packageBuild({ keepNames: true });
