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

  it.each([
    ['12', 'smoke.mjs', []],
    ['12', 'smoke.cjs', []],
    ['11', 'smoke.cjs', ['--require', fileURLToPath(new URL('built-package/nest11-require.cjs', import.meta.url))]],
  ])('works in a NestJS %s app (%s)', async (nest, script, flags) => {
    const { stdout } = await run(process.execPath, [...flags, fileURLToPath(new URL(`built-package/${script}`, import.meta.url))], { timeout: 15_000 });
    expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toEqual({
      nest,
      service: 'function',
      me: { userId: null },
      login: { status: 302, toFake: true },
      guarded: { status: 401, body: 'Sign in with Threads to continue.' },
    });
  });
});
