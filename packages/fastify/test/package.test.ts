import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startFakeThreads } from '@threads-auth/testing';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';

const BUILT = existsSync(new URL('../dist/index.cjs', import.meta.url));
const secret = 'a-session-secret-of-at-least-32-characters';

// The built package, as users load it: ESM through "import", CommonJS through "require", each registered on a
// real Fastify app that answers a login and a guarded route.
describe.skipIf(!BUILT)('the built package', () => {
  it.each([
    ['ESM', () => import('@threads-auth/fastify')],
    ['CommonJS', async () => createRequire(import.meta.url)('@threads-auth/fastify') as typeof import('@threads-auth/fastify')],
  ])('loads as %s, registers on Fastify and re-exports core', async (_format, load) => {
    const pkg = await load();
    expect(typeof pkg.createThreadsAuth).toBe('function');
    expect(new pkg.ThreadsAuthError('unauthenticated').status).toBe(401);
    const fake = await startFakeThreads();
    const app = Fastify();
    try {
      const options = { clientId: fake.clientId, clientSecret: fake.clientSecret, redirectUri: 'http://127.0.0.1/auth/threads/callback', secret, authorizationUrl: fake.authorizationUrl, graphUrl: fake.url };
      await app.register(pkg.threadsAuth, options);
      app.get('/protected', { preHandler: pkg.requireThreadsToken() }, () => 'ok');
      const login = await app.inject({ url: '/auth/threads/login' });
      expect(login.statusCode).toBe(302);
      expect(login.headers.location).toMatch(new RegExp(`^${fake.authorizationUrl}\\?`));
      const guarded = await app.inject({ url: '/protected' });
      expect(guarded.statusCode).toBe(401);
      await expect(Fastify().register(pkg.threadsAuth, { ...options, secret: 'short' }).ready()).rejects.toThrow(/option "secret"/);
    } finally {
      await app.close();
      await fake.close();
    }
  });
});
