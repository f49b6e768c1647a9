/** The steps of a sign-in the tests repeat: build the authorize URL, consent, exchange the code. */

import type { FakeThreads } from '../src/index.js';

export const REDIRECT_URI = 'https://app.example/callback';

/** The authorization URL an app would redirect the browser to. */
export function authorizeUrl(fake: FakeThreads, params: Record<string, string> = {}): string {
  const search = new URLSearchParams({
    client_id: fake.clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'threads_basic,threads_content_publish',
    response_type: 'code',
    state: 'st4te',
    ...params,
  });
  return `${fake.authorizationUrl}?${search}`;
}

/** Consents as a browser would and returns the code from the redirect. */
export async function obtainCode(fake: FakeThreads, params: Record<string, string> = {}): Promise<string> {
  const location = await fake.approve(authorizeUrl(fake, params));
  const code = new URL(location).searchParams.get('code');
  if (code === null) throw new Error(`no code in ${location}`);
  return code;
}

/** POSTs the code exchange as the official sample does (urlencoded body). */
export function exchangeCode(fake: FakeThreads, code: string, overrides: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fake.url}/oauth/access_token`, {
    method: 'POST',
    body: new URLSearchParams({
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
      code,
      ...overrides,
    }),
  });
}

/** Signs in and returns the short-lived token. */
export async function shortLivedToken(fake: FakeThreads): Promise<string> {
  const res = await exchangeCode(fake, await obtainCode(fake));
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

/** GETs `path` on the fake with `params` as the query string. */
export function graphGet(fake: FakeThreads, path: string, params: Record<string, string>): Promise<Response> {
  return fetch(`${fake.url}${path}?${new URLSearchParams(params)}`);
}
