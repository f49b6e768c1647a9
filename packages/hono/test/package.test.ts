import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';

const BUILT = existsSync(new URL('../dist/index.cjs', import.meta.url));
const options = {
  clientId: '1234567890',
  clientSecret: 'app-secret',
  redirectUri: 'https://app.example/auth/threads/callback',
  secret: 'a-session-secret-of-at-least-32-characters',
};

// The built package, as users load it: ESM through "import", CommonJS through "require", in a Hono app.
describe.skipIf(!BUILT)('the built package', () => {
  it.each([
    ['ESM', () => import('@threads-auth/hono')],
    ['CommonJS', async () => createRequire(import.meta.url)('@threads-auth/hono') as typeof import('@threads-auth/hono')],
  ])('loads as %s, serves a login and a guarded route, re-exports core', async (_format, load) => {
    const pkg = await load();
    const app = new Hono();
    app.use(pkg.threadsAuth(options));
    app.get('/protected', pkg.requireThreadsToken(), (c) => c.text('ok'));
    const login = await app.request('/auth/threads/login');
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toMatch(/^https:\/\/www\.threads\.com\/oauth\/authorize\?/);
    const guarded = await app.request('/protected');
    expect(guarded.status).toBe(401);
    expect(await guarded.text()).toBe('Sign in with Threads to continue.');
    expect(pkg.threadsAuth(options).name).toBe('threadsAuth');
    expect(pkg.requireThreadsToken().name).toBe('requireThreadsToken');
    expect(() => pkg.threadsAuth({ ...options, secret: 'short' })).toThrow(/option "secret"/);
    expect(typeof pkg.createThreadsAuthHandler).toBe('function');
  });
});
