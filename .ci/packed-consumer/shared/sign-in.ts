/**
 * A browser's sign-in against an app mounted on the fake Threads: login → the fake's consent (Allow) → callback,
 * then `/me` with the session cookie. Copied into each consumer project: it imports only what both module formats
 * can, and runs on the installed tarballs.
 */
import assert from 'node:assert/strict';
import type { FakeThreads } from '@threads-auth/testing';

/** The `name=value` pairs of a response's `Set-Cookie` headers, as a `Cookie` header; cleared cookies dropped. */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((line) => line.slice(0, line.indexOf(';')))
    .filter((pair) => !pair.endsWith('='))
    .join('; ');
}

/** Signs in on the app at `origin` and returns what its `/me` route answered (`{ userId, accessToken }`). */
export async function signIn(origin: string, fake: FakeThreads): Promise<{ userId: string; accessToken: string }> {
  const login = await fetch(`${origin}/auth/threads/login`, { redirect: 'manual' });
  assert.equal(login.status, 302, `login answered ${login.status}`);
  const authorize = login.headers.get('location');
  assert.ok(authorize !== null, 'login sent no Location');
  assert.ok(authorize.startsWith(fake.authorizationUrl), `login redirected to ${authorize}, not the fake's authorization URL`);
  const state = cookiesOf(login);
  assert.match(state, /threads_auth_state=/);

  const callbackUrl = (await fake.approve(authorize, 'allow')).replace(/#.*$/, '');
  assert.ok(callbackUrl.startsWith(`${origin}/auth/threads/callback?`), `the fake sent the browser to ${callbackUrl}`);
  const callback = await fetch(callbackUrl, { headers: { cookie: state }, redirect: 'manual' });
  assert.equal(callback.status, 302, `callback answered ${callback.status}: ${await callback.text()}`);
  const session = cookiesOf(callback);
  assert.match(session, /threads_auth_session=/);

  const me = await fetch(`${origin}/me`, { headers: { cookie: session } });
  assert.equal(me.status, 200, `/me answered ${me.status}`);
  return (await me.json()) as { userId: string; accessToken: string };
}

/** The token the fake issued reached the route: a long-lived Threads token for the fake's first user. */
export function assertSignedIn(me: { userId: string; accessToken: string }): void {
  assert.equal(me.userId, '17841405793187219');
  assert.match(me.accessToken, /^TH/);
}
