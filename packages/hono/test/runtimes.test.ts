/**
 * Bun and Deno: the built package served by each runtime's own server (`Bun.serve`, `Deno.serve`), signed in
 * through the fake Threads server over real HTTP, both through the Hono middleware and through the plain
 * Web-standard handler. The runtimes come from npm (`bun`, `deno` devDependencies); on a machine where one of them
 * does not run, its cases are skipped, and the skip says why.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Browser } from '@threads-auth/contract-tests/adapter';
import { type FakeThreads, startFakeThreads } from '@threads-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The runtime's executable, from the platform package its npm package depends on (`@oven/bun-linux-x64`,
 * `@deno/linux-x64-glibc`, …): pnpm runs no install scripts, so the `bun` and `deno` bins are not set up; or why
 * it cannot run here.
 */
function executable(pkg: 'bun' | 'deno'): { path: string } | { skip: string } {
  const { platform, arch } = process;
  const candidates =
    pkg === 'bun'
      ? [`@oven/bun-${platform}-${arch}`, `@oven/bun-${platform}-${arch}-baseline`].map((name) => [name, 'bin/bun'] as const)
      : [`@deno/${platform}-${arch}-glibc`, `@deno/${platform}-${arch}`].map((name) => [name, 'deno'] as const);
  let fromRuntime: NodeJS.Require;
  try {
    fromRuntime = createRequire(require.resolve(`${pkg}/package.json`));
  } catch {
    return { skip: `the ${pkg} package is not installed` };
  }
  for (const [name, bin] of candidates) {
    let path: string;
    try {
      path = join(dirname(fromRuntime.resolve(`${name}/package.json`)), bin);
    } catch {
      continue;
    }
    const probe = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000 });
    if (probe.status === 0) return { path };
  }
  return { skip: `no ${pkg} binary for ${platform}-${arch} runs here (tried ${candidates.map(([name]) => name).join(', ')})` };
}

const RUNTIMES = [
  { name: 'Bun', pkg: 'bun', args: ['server.mjs'] },
  { name: 'Deno', pkg: 'deno', args: ['run', '--allow-net=127.0.0.1', '--allow-env=FAKE_THREADS', '--allow-read', 'server.mjs'] },
] as const;

for (const runtime of RUNTIMES) {
  const found = executable(runtime.pkg);
  const suite = 'skip' in found ? describe.skip : describe;
  if ('skip' in found) console.warn(`runtimes.test.ts: ${runtime.name} skipped: ${found.skip}`);

  suite(`${runtime.name}: the built package on the runtime's own server`, () => {
    let fake: FakeThreads;
    let child: ChildProcess;
    let origin: string;
    let stderr = '';

    beforeAll(async () => {
      fake = await startFakeThreads();
      child = spawn((found as { path: string }).path, runtime.args, {
        cwd: join(here, 'runtimes'),
        env: {
          PATH: process.env['PATH'],
          HOME: process.env['HOME'],
          // Deno keeps its module cache under DENO_DIR; Bun needs no more.
          ...(process.env['DENO_DIR'] === undefined ? {} : { DENO_DIR: process.env['DENO_DIR'] }),
          // Loopback only: no update check (Deno), no crash reports or telemetry (Bun).
          DENO_NO_UPDATE_CHECK: '1',
          DO_NOT_TRACK: '1',
          FAKE_THREADS: JSON.stringify({ clientId: fake.clientId, clientSecret: fake.clientSecret, authorizationUrl: fake.authorizationUrl, graphUrl: fake.url }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stderr!.on('data', (chunk) => {
        stderr += chunk;
      });
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`${runtime.name} did not start within 30 s:\n${stderr}`)), 30_000);
        child.stdout!.on('data', (chunk) => {
          out += chunk;
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (line !== undefined) {
            clearTimeout(timer);
            resolve((JSON.parse(line) as { port: number }).port);
          }
        });
        child.on('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`${runtime.name} exited with ${code}:\n${stderr}`));
        });
      });
      origin = `http://127.0.0.1:${port}`;
    }, 60_000);

    afterAll(async () => {
      child?.kill();
      await fake?.close();
    });

    const userOf = async (response: Response) => ((await response.json()) as { runtime: string; userId: string | null }).userId;

    async function signIn(basePath: string, mePath: string): Promise<Browser> {
      const browser = new Browser(origin);
      const login = await browser.fetch(`${basePath}/login`);
      expect(login.status).toBe(302);
      const back = await fake.approve(login.headers.get('location')!);
      const callback = await browser.fetch(back.replace(/#.*$/, ''));
      expect(callback.status, await callback.clone().text()).toBe(302);
      const me = await browser.fetch(mePath);
      expect(await me.json()).toMatchObject({ runtime: expect.stringMatching(new RegExp(`^${runtime.pkg} `)), userId: expect.any(String) });
      return browser;
    }

    it('signs in through the Hono middleware, guards by scope, and signs out', async () => {
      const anonymous = new Browser(origin);
      expect(await userOf(await anonymous.fetch('/me'))).toBeNull();
      expect((await anonymous.fetch('/publish')).status).toBe(401);
      const browser = await signIn('/auth/threads', '/me');
      expect((await browser.fetch('/publish')).status).toBe(200);
      const logout = await browser.fetch('/auth/threads/logout', { method: 'POST', headers: { origin } });
      expect(logout.status).toBeLessThan(400);
      expect(await userOf(await browser.fetch('/me'))).toBeNull();
    });

    it('signs in through the plain Web-standard handler', async () => {
      await signIn('/web/auth', '/web/me');
    });

    it('refuses a forged session cookie as nobody signed in', async () => {
      const browser = await signIn('/auth/threads', '/me');
      const [name, value] = [...browser.jar].find(([n]) => n.includes('session'))!;
      browser.jar.set(name, `${value.slice(0, -4)}${value.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`);
      expect(await userOf(await browser.fetch('/me'))).toBeNull();
      expect(stderr).not.toMatch(/TH[A-Za-z0-9]{20,}/);
    });
  });
}
