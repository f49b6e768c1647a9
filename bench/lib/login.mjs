/**
 * Signing in as a browser would, so every benchmarked cookie comes from a real login.
 */
import { cookieFrom, get } from './http-client.mjs';

/** The cookie names threads-auth uses over http (over https they get the `__Host-` prefix). */
export const THREADS_COOKIES = { state: 'threads_auth_state', session: 'threads_auth_session' };

/**
 * Logs in through threads-auth against the fake Threads: `GET /auth/threads/login` → the fake's consent
 * (`approve`, as a browser's click) → `GET` the callback with the state cookie.
 *
 * @param {string} origin - The app's origin.
 * @param {import('@threads-auth/testing').FakeThreads} fake
 * @returns {Promise<{ cookie: string, callbackMs: number }>} The session cookie (`name=value`) and the time from
 *   sending the callback request to receiving its 302.
 */
export async function threadsLogin(origin, fake) {
  const start = await get(`${origin}/auth/threads/login`);
  const authorize = start.headers.location;
  const state = cookieFrom(start.setCookies, THREADS_COOKIES.state);
  if (start.status !== 302 || authorize === undefined || state === undefined) {
    throw new Error(`login: expected a 302 to the authorization URL with a state cookie, got ${start.status}`);
  }
  const back = new URL(await fake.approve(authorize, 'allow'));
  back.hash = '';
  const callback = await get(back, { cookie: state });
  const session = cookieFrom(callback.setCookies, THREADS_COOKIES.session);
  if (callback.status !== 302 || session === undefined) {
    throw new Error(`login: the callback answered ${callback.status} without a session cookie: ${callback.body.slice(0, 200)}`);
  }
  return { cookie: session, callbackMs: callback.headersAtMs - callback.startedAtMs };
}

/**
 * Logs in through a session + passport stack (`GET /login` calls `req.login` / `request.logIn`). Resolves the
 * session cookie: `connect.sid` for express-session, `sessionId` for @fastify/session.
 */
export async function passportLogin(origin, cookieName = 'connect.sid') {
  const res = await get(`${origin}/login`);
  const cookie = cookieFrom(res.setCookies, cookieName);
  if (res.status !== 200 || cookie === undefined) throw new Error(`passport login: got ${res.status} without a ${cookieName} cookie`);
  return cookie;
}

/** Who the app says `cookie` belongs to, via `GET /whoami`. */
export async function whoami(origin, cookie) {
  const res = await get(`${origin}/whoami`, { cookie });
  if (res.status !== 200) throw new Error(`whoami: got ${res.status}`);
  return JSON.parse(res.body);
}

/** Options of a threads-auth instance against `fake`, for the in-process benchmarks. */
export function fakeAuthOptions(fake) {
  return {
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    redirectUri: 'http://127.0.0.1:3000/auth/threads/callback',
    secret: 'micro-benchmark-secret-of-at-least-32-chars',
    authorizationUrl: fake.authorizationUrl,
    graphUrl: fake.url,
  };
}

/**
 * Logs in without HTTP, through `auth.handle` and the fake's consent.
 *
 * @returns {Promise<string>} The session cookie as `name=value`.
 */
export async function handleLogin(auth, fake) {
  const start = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
  const state = start.cookies[0];
  const back = new URL(await fake.approve(start.location));
  const done = await auth.handle({ method: 'GET', url: `${back.pathname}${back.search}`, headers: { cookie: `${state.name}=${state.value}` } });
  const session = done.cookies.find((c) => c.name.endsWith('threads_auth_session') && c.value !== '');
  if (session === undefined) throw new Error(`login failed: ${done.type} ${done.error?.code ?? ''}`);
  return `${session.name}=${session.value}`;
}
