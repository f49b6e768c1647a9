/**
 * Two app instances (two processes) on one Redis, 50 concurrent requests carrying a due token split across
 * both: exactly one refresh reaches Threads, and both instances then serve the new token.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createThreadsAuth } from '@threads-auth/core';
import { describeUnavailable } from '@threads-auth/contract-tests/store';
import { type FakeThreads, startFakeThreads } from '@threads-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisTokenStore } from '../src/index.js';
import { REDIS_URL, connect, deletePrefix, probeRedis, uniquePrefix } from './redis-server.js';

const DAY = 86_400_000;
const SECRET = 'two-instances-session-secret-0123456789';
const unavailable = await probeRedis();

async function startInstance(config: object): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/app-instance.mjs', import.meta.url))], {
    env: { ...process.env, INSTANCE_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await Promise.race([
    once(child.stdout!, 'data'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`app instance exited with ${code}`))),
  ])) as [Buffer];
  return { url: `http://127.0.0.1:${JSON.parse(line.toString()).port}`, child };
}

async function me(url: string, cookie: string): Promise<string | null> {
  const response = await fetch(`${url}/me`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { accessToken: string | null }).accessToken;
}

if (unavailable !== undefined) {
  describeUnavailable('two app instances on one Redis', unavailable);
} else {
  describe('two app instances on one Redis', () => {
    let shift = -55 * DAY;
    const now = () => Date.now() + shift;
    const keyPrefix = uniquePrefix();
    let fake: FakeThreads;
    let instances: { url: string; child: ChildProcess }[] = [];
    let cookie: string;
    let loginToken: string;

    beforeAll(async () => {
      fake = await startFakeThreads({ now });
      const auth = {
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        redirectUri: 'http://127.0.0.1:3000/auth/threads/callback',
        secret: SECRET,
        authorizationUrl: fake.authorizationUrl,
        graphUrl: fake.url,
        // The token was issued 55 days ago by the seeding instance: the session must outlive that idle time.
        sessionMaxAge: 90 * DAY,
      };
      // Log in 55 days ago (by both clocks): the token is now 55 days old and expires in 5 days, so it is due.
      const store = new RedisTokenStore({ url: REDIS_URL, keyPrefix });
      const seeding = createThreadsAuth({ ...auth, store, now });
      const login = await seeding.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
      if (login.type !== 'redirect') throw new Error('login did not redirect');
      const callback = new URL(await fake.approve(login.location));
      const state = login.cookies[0]!;
      const done = await seeding.handle({ method: 'GET', url: callback.pathname + callback.search, headers: { cookie: `${state.name}=${state.value}` } });
      const session = done.cookies.find((c) => c.name === 'threads_auth_session' && c.maxAge > 0)!;
      cookie = `${session.name}=${session.value}`;
      loginToken = (await seeding.getToken('17841405793187219'))!.accessToken;
      await store.close();
      shift = 0;
      instances = await Promise.all([startInstance({ redisUrl: REDIS_URL, keyPrefix, auth }), startInstance({ redisUrl: REDIS_URL, keyPrefix, auth })]);
    });

    afterAll(async () => {
      await Promise.all(
        instances.map(async ({ child }) => {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          await once(child, 'exit');
        }),
      );
      await fake?.close();
      const client = connect();
      await deletePrefix(client, keyPrefix);
      await client.quit();
    });

    it('refreshes a due token exactly once for 50 concurrent requests split across both instances', async () => {
      const served = await Promise.all(Array.from({ length: 50 }, (_, i) => me(instances[i % 2]!.url, cookie)));
      // Every request was served a valid token at once: the old one while the refresh runs behind the requests
      // (on one instance, under the store's lock), or the new one.
      expect(served.every((token) => token !== null)).toBe(true);
      await expect.poll(() => fake.callsTo('refresh').length, { timeout: 5_000, interval: 20 }).toBe(1);
      await expect.poll(() => me(instances[0]!.url, cookie), { timeout: 5_000, interval: 20 }).not.toBe(loginToken);
      const refreshed = await me(instances[0]!.url, cookie);

      // Both instances now serve the new token (the other instance's read cache is invalidated over pub/sub).
      for (const { url } of instances) {
        await expect.poll(() => me(url, cookie), { timeout: 2_000, interval: 20 }).toBe(refreshed);
      }
      expect(fake.callsTo('refresh')).toHaveLength(1);
    });
  });
}
