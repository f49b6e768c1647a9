#!/usr/bin/env node
// The committed entry of the `threads-auth-fake` bin. It exists before the build, so installing the workspace can
// link it (pointing `bin` into dist made pnpm warn for every package that depends on this one); the CLI is dist/cli.js.
import('../dist/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('cli.js')) {
    process.stderr.write('threads-auth-fake: dist/cli.js is missing; build @threads-auth/testing first (pnpm build)\n');
    process.exit(1);
  }
  throw error;
});
