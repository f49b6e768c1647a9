import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const BUILT = existsSync(new URL('../dist/index.js', import.meta.url));

// The README's first example is run as written, importing the package by name from dist.
describe.skipIf(!BUILT)('README', () => {
  it('the usage example runs and prints the code-exchange body', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', example ?? ''], {
      cwd: PACKAGE_DIR,
    });
    expect(stdout.trim()).toMatch(/^\{"access_token":"TH[\w-]+","user_id":17841405793187219\}$/);
  });
});
