import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const BUILT = existsSync(new URL('../dist/index.cjs', import.meta.url));
const options = {
  clientId: '1234567890',
  clientSecret: 'app-secret',
  redirectUri: 'https://app.example/auth/threads/callback',
  secret: 'a-session-secret-of-at-least-32-characters',
};

// The built package, as users load it: ESM through "import", CommonJS through "require".
describe.skipIf(!BUILT)('the built package', () => {
  it.each([
    ['ESM', () => import('@threads-auth/koa')],
    ['CommonJS', async () => createRequire(import.meta.url)('@threads-auth/koa') as typeof import('@threads-auth/koa')],
  ])('loads as %s with the middleware and core re-exported', async (_format, load) => {
    const pkg = await load();
    expect(typeof pkg.threadsAuth(options)).toBe('function');
    expect(typeof pkg.requireThreadsToken()).toBe('function');
    expect(typeof pkg.createThreadsAuth).toBe('function');
    expect(new pkg.ThreadsAuthError('unauthenticated').status).toBe(401);
    expect(() => pkg.threadsAuth({ ...options, secret: 'short' })).toThrow(/option "secret"/);
  });
});

describe.skipIf(!BUILT)('middleware names', () => {
  it('are threadsAuth and requireThreadsToken, as Koa tooling shows them', async () => {
    const { requireThreadsToken, threadsAuth } = await import('@threads-auth/koa');
    expect(threadsAuth(options).name).toBe('threadsAuth');
    expect(requireThreadsToken().name).toBe('requireThreadsToken');
  });
});
