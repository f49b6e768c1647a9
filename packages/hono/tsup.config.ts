import { packageBuild } from '../../tsup.config.base';

// The middleware is the named `async function threadsAuth(c, next)` inside `threadsAuth(options)`; without
// keepNames, bundling renames the inner one `threadsAuth2`, and the built-package test checks the name.
export default packageBuild({ keepNames: true });
