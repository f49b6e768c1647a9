/**
 * The built package (dist/, from `pnpm build`, which turbo runs before `test`) in a plain-JavaScript Nest app,
 * through `import` (ESM build) and `require` (CJS build) with NestJS 12, and through `require` with NestJS 11
 * (a CommonJS NestJS 11 app, the common case on 11). Runs in the `nest12` project only: it picks the NestJS
 * major of each child process itself.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

describe('the built package', () => {
  it('has been built', () => {
    expect(existsSync(dist), 'dist/ is missing: run `pnpm --filter @threads-auth/nestjs build` first').toBe(true);
  });

  const nest11 = ['--require', fileURLToPath(new URL('built-package/nest11-require.cjs', import.meta.url))];
  it.each([
    ['12', 'express', 'smoke.mjs', []],
    ['12', 'express', 'smoke.cjs', []],
    ['11', 'express', 'smoke.cjs', nest11],
    ['12', 'fastify', 'smoke.mjs', []],
    ['12', 'fastify', 'smoke.cjs', []],
    ['11', 'fastify', 'smoke.cjs', nest11],
  ])('works in a NestJS %s app on %s (%s)', async (nest, platform, script, flags) => {
    const { stdout } = await run(process.execPath, [...flags, fileURLToPath(new URL(`built-package/${script}`, import.meta.url)), platform], { timeout: 15_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      nest,
      platform,
      service: 'function',
      me: { userId: null },
      login: { status: 302, toFake: true },
      guarded: { status: 401, body: 'Sign in with Threads to continue.' },
    });
  });
});
