/**
 * The Next.js example, in a real browser: `next start` on the built app (turbo builds it before `test`), the
 * fake Threads server on loopback, Chromium clicking through the fake's consent page and seeing the token in the
 * server component and the route handler, then signing out. Needs Chromium at /usr/bin/chromium (`apt-get
 * install -y chromium`; without it the test is skipped and says so, as the Express demo's is) and a build
 * (`next build`; skipped without one, except under CI=true).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type FakeThreads, startFakeThreads } from '@threads-auth/testing';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const built = existsSync(new URL('../.next/BUILD_ID', import.meta.url));
if (!hasChromium) console.warn(`[threads-auth] Next.js browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
// Under CI turbo builds the example before `test`: a missing build there is a failure, not a skip.
const skipUnbuilt = !built && process.env['CI'] !== 'true';
if (hasChromium && skipUnbuilt) console.warn('[threads-auth] Next.js browser test skipped: the example is not built (pnpm --filter @threads-auth/example-next build)');

const USER_ID = '17841405793187219';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

describe.skipIf(!hasChromium || skipUnbuilt)('the Next.js example, in Chromium', () => {
  let fake: FakeThreads;
  let next: ChildProcess;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    fake = await startFakeThreads();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      THREADS_APP_ID: fake.clientId,
      THREADS_APP_SECRET: fake.clientSecret,
      THREADS_REDIRECT_URI: `${origin}/auth/threads/callback`,
      SESSION_SECRET: 'next-example-e2e-session-secret-0123456789',
      THREADS_AUTHORIZATION_URL: fake.authorizationUrl,
      THREADS_GRAPH_URL: fake.url,
    };
    const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
    next = spawn(process.execPath, [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`next start did not report ready within 30 s: ${output}`)), 30_000);
      next.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/ready/i.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      next.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`next start exited with ${code}: ${output}`));
      });
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    next?.kill('SIGTERM');
    await fake?.close();
  });

  it('signs in through the consent page, sees the token in the page and in a route handler, signs out', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.getByText('You are not signed in.').waitFor();
    expect((await page.request.get(`${origin}/api/me`)).status()).toBe(401);

    await page.getByRole('link', { name: 'Sign in with Threads' }).click();
    // The fake's consent page, with Allow and Cancel.
    await page.getByRole('button', { name: /allow/i }).click();

    await page.waitForURL((url) => url.origin === origin && url.pathname === '/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Signed in with Threads');
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).toContain(USER_ID);
    expect(body).toContain('threads_content_publish');
    const me = await page.evaluate(() => fetch('/api/me').then((r) => r.json()));
    expect(me).toEqual({ userId: USER_ID, scopes: ['threads_basic', 'threads_content_publish'] });
    expect(fake.callsTo('code_exchange')).toHaveLength(1);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are not signed in.').waitFor();
    expect(await page.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(401);
    await page.close();
  }, 30_000);

  it('refuses a forged callback with 400, before any call to Threads', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${origin}/auth/threads/callback?code=forged&state=${'A'.repeat(43)}`);
    expect(response?.status()).toBe(400);
    expect(fake.callsTo('code_exchange')).toHaveLength(1);
    await page.close();
  }, 30_000);
});
