/** The router: one dispatch, synchronous until I/O is needed, every route and method. */
import { describe, expect, it } from 'vitest';
import { MemoryTokenStore, type PassOutcome } from '../src/index.js';
import { LONG, USER_ID } from './recording-fetch.js';
import { ROUTES, type Route } from '../src/router.js';
import { DAY, isPromise, logIn, setup, withoutPeeks } from './setup.js';

describe('dispatch: one entry point, synchronous until I/O is needed', () => {
  it('answers app requests whose session is in memory and not due synchronously, exactly as handle does', async () => {
    const { auth } = setup();
    const { session } = await logIn(auth);
    const request = { method: 'GET', url: '/dashboard?x=1', headers: { cookie: `other=1; ${session}` } };
    const sync = auth.dispatch(request);
    expect(isPromise(sync)).toBe(false);
    expect(sync).toEqual(await auth.handle(request));
    expect(sync).toMatchObject({ type: 'pass', token: { userId: USER_ID }, cookies: [] });
    expect(auth.dispatch({ method: 'GET', url: '/', headers: {} })).toEqual({ type: 'pass', token: undefined, cookies: [] });
  });
  it('answers login and due-but-valid tokens synchronously; returns a promise for the callback and uncached store reads', async () => {
    const { auth, advance } = setup();
    const { session } = await logIn(auth);
    expect(auth.dispatch({ method: 'GET', url: '/auth/threads/login', headers: {} })).toMatchObject({ type: 'redirect', status: 302 });
    expect(isPromise(auth.dispatch({ method: 'GET', url: '/auth/threads/callback?code=x&state=y', headers: {} }))).toBe(true);
    // An unknown path under basePath is an app route.
    expect(auth.dispatch({ method: 'GET', url: '/auth/threads/profile', headers: { cookie: session! } })).toMatchObject({ type: 'pass' });
    advance(55 * DAY);
    // Due, valid for days: answered now, refreshed behind the request.
    expect(auth.dispatch({ method: 'GET', url: '/', headers: { cookie: session! } })).toMatchObject({ type: 'pass', token: { accessToken: LONG } });

    const store = new MemoryTokenStore();
    const stored = setup({ store: withoutPeeks(store) });
    const login = await logIn(stored.auth);
    const read = stored.auth.dispatch({ method: 'GET', url: '/', headers: { cookie: login.session! } });
    expect(isPromise(read)).toBe(true);
    expect(((await read) as PassOutcome).token?.userId).toBe(USER_ID);
  });
  it('uses the store peeks when it has them, and signs out a known miss', async () => {
    const store = new MemoryTokenStore();
    const { auth } = setup({ store });
    const { session } = await logIn(auth);
    expect(auth.dispatch({ method: 'GET', url: '/', headers: { cookie: session! } })).toMatchObject({ type: 'pass', token: { accessToken: LONG } });
    await store.delete(USER_ID);
    expect(auth.dispatch({ method: 'GET', url: '/', headers: { cookie: session! } })).toMatchObject({ type: 'pass', token: undefined, cookies: [{ maxAge: 0 }] });
  });
  it('never throws synchronously: a store whose peek throws is a rejected promise', async () => {
    const store = new MemoryTokenStore();
    let broken = false;
    const { auth } = setup({
      store: Object.assign(withoutPeeks(store), {
        peek: (userId: string) => {
          if (broken) throw new Error('store down');
          return store.peek(userId);
        },
      }),
    });
    const { session } = await logIn(auth);
    broken = true;
    const outcome = auth.dispatch({ method: 'GET', url: '/', headers: { cookie: session! } });
    expect(isPromise(outcome)).toBe(true);
    await expect(outcome).rejects.toThrow('store down');
  });
});


describe('routes and methods', () => {
  const routes = Object.keys(ROUTES) as Route[];
  const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
  const cases = routes.flatMap((route) => methods.map((method) => [route, method] as const));

  it('knows exactly the six routes, and an unknown one does not compile', () => {
    expect(routes).toEqual(['login', 'callback', 'logout', 'deauthorize', 'delete', 'deletion-status']);
    // @ts-expect-error: a route that is not in ROUTES is not a Route, so no part can be handed one.
    const unknown: Route = 'profile';
    expect(routes).not.toContain(unknown);
  });

  it.each(cases)('%s answers %s as its method list says, with Allow on a 405', async (route, method) => {
    const { auth, fake } = setup();
    const outcome = await auth.handle({ method, url: `/auth/threads/${route}`, headers: {} });
    const allowed: readonly string[] = ROUTES[route];
    if (allowed.includes(method)) {
      expect(outcome.type === 'respond' && outcome.status === 405).toBe(false);
    } else {
      expect(outcome).toMatchObject({ type: 'respond', status: 405, headers: { allow: allowed.filter((m) => m !== 'HEAD').join(', ') } });
      expect(fake.calls).toHaveLength(0);
    }
  });

  it('HEAD on the callback changes nothing and spends no code: the GET after it still signs in', async () => {
    const { auth, fake } = setup();
    const start = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
    if (start.type !== 'redirect') throw new Error('login did not redirect');
    const state = new URL(start.location).searchParams.get('state')!;
    const cookie = start.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const callback = { url: `/auth/threads/callback?code=c0de&state=${state}`, headers: { cookie } };

    const head = await auth.handle({ method: 'HEAD', ...callback });
    expect(head).toMatchObject({ type: 'respond', status: 405, headers: { allow: 'GET' }, cookies: [] });
    expect(fake.calls).toHaveLength(0);

    const get = await auth.handle({ method: 'GET', ...callback });
    expect(get).toMatchObject({ type: 'redirect', status: 302, location: '/' });
    expect(fake.callsTo('/oauth/access_token')).toHaveLength(1);
  });

  it.each([
    ['/auth/threads', 'pass'],
    ['/auth/threads/', 'pass'],
    ['/auth/threadsX/login', 'pass'],
    ['/auth/threads/login/extra', 'pass'],
    ['/auth/threads/constructor', 'pass'],
    ['/auth/threads/__proto__', 'pass'],
    ['/auth/threads/login?returnTo=/x', 'redirect'],
    ['/prefix/auth/threads/login', 'pass'],
  ])('matches %s as %s', async (url, type) => {
    const { auth } = setup();
    expect((await auth.handle({ method: 'GET', url, headers: {} })).type).toBe(type);
  });
});
