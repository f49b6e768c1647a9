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
    ['ESM', () => import('@threads-auth/web')],
    ['CommonJS', async () => createRequire(import.meta.url)('@threads-auth/web') as typeof import('@threads-auth/web')],
  ])('loads as %s, answers a login and re-exports core', async (_format, load) => {
    const pkg = await load();
    const { handler, getThreadsToken } = pkg.createThreadsAuthHandler(options);
    const login = await handler(new Request('https://app.example/auth/threads/login'));
    expect(login?.status).toBe(302);
    expect(login?.headers.get('location')).toMatch(/^https:\/\/www\.threads\.com\/oauth\/authorize\?/);
    expect(login?.headers.getSetCookie()).toHaveLength(1);
    expect(await handler(new Request('https://app.example/'))).toBeUndefined();
    expect(await getThreadsToken(new Headers())).toEqual({ token: undefined, setCookie: [] });
    expect(new pkg.ThreadsAuthError('unauthenticated').status).toBe(401);
    expect(() => pkg.createThreadsAuthHandler({ ...options, secret: 'short' })).toThrow(/option "secret"/);
  });
});
