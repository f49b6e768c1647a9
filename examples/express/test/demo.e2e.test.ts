/**
 * The newcomer's path, in a real browser: start the demo as `pnpm demo` does, open it, sign in through the fake
 * Threads consent page, see the token, sign out. Needs Chromium at /usr/bin/chromium (`apt-get install -y
 * chromium`); without it the test is skipped and says so.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[threads-auth] demo browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

describe.skipIf(!hasChromium)('the demo, in Chromium', () => {
  let demo: ChildProcess;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
    for (const name of ['THREADS_APP_ID', 'THREADS_APP_SECRET', 'THREADS_REDIRECT_URI']) delete env[name];
    demo = spawn(process.execPath, [fileURLToPath(new URL('../dist/server.js', import.meta.url))], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      demo.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`open ${origin}/`)) resolve();
      });
      demo.once('exit', (code) => reject(new Error(`the demo exited with ${code}: ${output}`)));
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    demo?.kill('SIGTERM');
  });

  it('signs in through the consent page, shows the token, and signs out', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await expect(page.getByText('You are not signed in.').isVisible()).resolves.toBe(true);

    await page.getByRole('link', { name: 'Sign in with Threads' }).click();
    // The fake's consent page, with Allow and Cancel.
    await page.getByRole('button', { name: /allow/i }).waitFor();
    await page.getByRole('button', { name: /allow/i }).click();

    // Meta appends `#_` to the callback URL and browsers carry a fragment across redirects, so the page may end in #_.
    await page.waitForURL((url) => url.origin === origin && url.pathname === '/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Signed in with Threads');
    const body = (await page.locator('body').textContent()) ?? '';
    expect(body).toContain('17841405793187219');
    expect(body).toContain('threads_content_publish');
    const me = await page.evaluate(() => fetch('/api/me').then((r) => r.json()));
    expect(me).toMatchObject({ userId: '17841405793187219' });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are not signed in.').waitFor();
    await expect(page.getByText('You are not signed in.').isVisible()).resolves.toBe(true);
    await page.close();
  }, 30_000);

  it('a cancelled consent shows a page that says so, whose link starts the login again', async () => {
    const page = await browser.newPage();
    await page.goto(`${origin}/auth/threads/login`);
    const callback = page.waitForResponse((response) => new URL(response.url()).pathname === '/auth/threads/callback');
    await page.getByRole('button', { name: /cancel/i }).click();
    const answer = await callback;
    expect(answer.status()).toBe(403);
    expect(answer.headers()['content-type']).toBe('text/html; charset=utf-8');

    // The middleware's own page (no failureRedirect): 403, HTML, the safe message, a real link back into the login.
    await page.getByRole('heading', { level: 1, name: 'Sign-in cancelled' }).waitFor();
    await expect(page.title()).resolves.toBe('Sign-in cancelled');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await expect(page.getByRole('main').textContent()).resolves.toContain('Sign-in with Threads was cancelled.');

    await page.getByRole('link', { name: 'Try signing in again' }).click();
    await page.getByRole('button', { name: /allow/i }).waitFor();
    await page.getByRole('button', { name: /allow/i }).click();
    await page.waitForURL((url) => url.origin === origin && url.pathname === '/');
    await expect(page.locator('h1').textContent()).resolves.toBe('Signed in with Threads');
    await page.close();
  }, 30_000);
});
