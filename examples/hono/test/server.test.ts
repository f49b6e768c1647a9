/**
 * The example as `pnpm start` runs it (the built dist/server.js, in its own process), signed into over real HTTP
 * through the fake Threads: login → consent → callback → the guarded `/api/me` → logout.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Browser } from '@threads-auth/contract-tests/adapter';
import { type FakeThreads, startFakeThreads } from '@threads-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

describe('the Hono example, started', () => {
  let fake: FakeThreads;
  let server: ChildProcess;
  let origin: string;

  beforeAll(async () => {
    fake = await startFakeThreads();
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      THREADS_APP_ID: fake.clientId,
      THREADS_APP_SECRET: fake.clientSecret,
      THREADS_REDIRECT_URI: `${origin}/auth/threads/callback`,
      THREADS_AUTHORIZATION_URL: fake.authorizationUrl,
      THREADS_GRAPH_URL: fake.url,
    };
    server = spawn(process.execPath, [fileURLToPath(new URL('../dist/server.js', import.meta.url))], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the example did not start within 15 s: ${output}`)), 15_000);
      server.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes(`${origin}/`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      server.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the example exited with ${code}: ${output}`));
      });
    });
  }, 30_000);

  afterAll(async () => {
    server?.kill('SIGTERM');
    await fake?.close();
  });

  it('signs in through the fake Threads, serves the guarded API, signs out', async () => {
    const browser = new Browser(origin);
    expect((await browser.fetch('/api/me')).status).toBe(401);
    expect(await (await browser.fetch('/')).text()).toContain('Sign in with Threads');

    const login = await browser.fetch('/auth/threads/login');
    expect(login.status).toBe(302);
    const callback = await browser.fetch((await fake.approve(login.headers.get('location')!)).replace(/#.*$/, ''));
    expect(callback.status).toBe(302);

    const me = await browser.fetch('/api/me');
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ userId: '17841405793187219', scopes: ['threads_basic'] });
    expect(await (await browser.fetch('/')).text()).toContain('Signed in as <code>17841405793187219</code>');

    const logout = await browser.fetch('/auth/threads/logout', { method: 'POST', headers: { origin } });
    expect(logout.status).toBe(303);
    expect((await browser.fetch('/api/me')).status).toBe(401);
  });
});
