import { startFakeThreads } from '@threads-auth/testing';
import Fastify, { type FastifyReply } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_TABLE, MemoryTokenStore, type TokenStore, threadsAuth } from '../src/index.js';

const INTERNAL = 'redis://admin:hunter2@10.0.0.5:6379 refused';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An app with the plugin and no error handler of its own (Fastify's default), signed in through the fake. */
async function signedInApp(errorHandler?: (error: Error, reply: FastifyReply) => void) {
  const fake = await startFakeThreads();
  const store: TokenStore = new MemoryTokenStore();
  const app = Fastify();
  cleanups.push(() => app.close(), () => fake.close());
  if (errorHandler !== undefined) app.setErrorHandler((error: Error, _request, reply) => errorHandler(error, reply));
  await app.register(threadsAuth, {
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    redirectUri: 'http://127.0.0.1/auth/threads/callback',
    secret: 'a-session-secret-of-at-least-32-characters',
    authorizationUrl: fake.authorizationUrl,
    graphUrl: fake.url,
    store,
    logger: false,
  });
  app.get('/me', (request) => ({ userId: request.threadsToken?.userId ?? null }));
  const login = await app.inject({ url: '/auth/threads/login' });
  const state = String(login.headers['set-cookie']).split(';')[0];
  const back = new URL(await fake.approve(String(login.headers.location)));
  const callback = await app.inject({ url: `${back.pathname}${back.search}`, headers: { cookie: state } });
  const session = ([] as string[]).concat(callback.headers['set-cookie'] ?? []).find((c) => c.includes('threads_auth_session=') && !c.includes('Max-Age=0'));
  expect(session).toBeDefined();
  const cookie = session!.split(';')[0]!;
  expect((await app.inject({ url: '/me', headers: { cookie } })).json()).toEqual({ userId: expect.any(String) });
  return { app, store, cookie };
}

describe("Fastify's default error handler", () => {
  it('answers a token store that is down with 503 and the safe message', async () => {
    const { app, store, cookie } = await signedInApp();
    store.peek = () => undefined;
    store.peekSession = () => undefined;
    store.get = () => Promise.reject(new Error(INTERNAL));
    store.getSession = () => Promise.reject(new Error(INTERNAL));
    const response = await app.inject({ url: '/me', headers: { cookie } });
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toContain('hunter2');
    expect(response.body).toBe(ERROR_TABLE.store_unavailable.message);
  });

  it('answers an unexpected failure (a store that throws) with 500 and the status text, not its message', async () => {
    const { app, store, cookie } = await signedInApp();
    throwingPeeks(store);
    const response = await app.inject({ url: '/me', headers: { cookie } });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
    expect(response.body).not.toContain('hunter2');
  });
});

describe("the app's own error handler", () => {
  it('gets the unexpected failure with a safe message, statusCode 500 and the original error as cause', async () => {
    const seen: Error[] = [];
    const { app, store, cookie } = await signedInApp((error, reply) => {
      seen.push(error);
      reply.code(500).send('app error handler');
    });
    throwingPeeks(store);
    const response = await app.inject({ url: '/me', headers: { cookie } });
    expect(response.body).toBe('app error handler');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.message).toBe('Internal Server Error');
    expect((seen[0] as Error & { statusCode: number }).statusCode).toBe(500);
    expect((seen[0]!.cause as Error).message).toBe(INTERNAL);
  });
});

/** A custom store with a bug: its synchronous peeks throw (core passes them through, unlike async failures). */
function throwingPeeks(store: TokenStore): void {
  store.peek = () => {
    throw new Error(INTERNAL);
  };
  store.peekSession = () => {
    throw new Error(INTERNAL);
  };
}
