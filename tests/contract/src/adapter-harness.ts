/**
 * What the adapter contract suite runs on: the fake Threads server, an adapter's app on a real listening
 * server (port 0), a controllable clock shared by both, a recording `fetch` for the app's upstream calls,
 * and a browser with a cookie jar.
 *
 * @module
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createThreadsAuth, MemoryTokenStore, type ThreadsAuth, type ThreadsAuthInput, type ThreadsAuthOptions, type ThreadsToken } from '@threads-auth/core';
import { type FakeThreads, startFakeThreads } from '@threads-auth/testing';

/** How the app under test is put together. */
export interface ContractVariant {
  /**
   * Mount the framework's form body parser (`express.urlencoded()`, `@koa/bodyparser`) before `threadsAuth`,
   * so that `readBody` is proven both with a parsed body and with the raw stream.
   */
  readonly bodyParser: boolean;
  /**
   * With `bodyParser`: which parser the framework mounts first instead of its form parser. `text` and `raw`
   * take every content type (`express.text({ type: '*\/*' })`, …), `json` only JSON. Adapters that cannot
   * mount one leave it out: the Meta callbacks must work whatever an app mounted.
   */
  readonly parser?: 'text' | 'raw' | 'json';
  /**
   * Mount the middleware under this path prefix (`app.use('/api', …)` in Express, `setGlobalPrefix('api')` in
   * Nest) and serve the app routes under it too. The suite's `redirectUri` then carries the prefix.
   */
  readonly prefix?: string;
}

/** What the suite hands the app besides the variant. */
export interface ContractHooks {
  /**
   * The app's own error handling must pass every error it receives here, then answer as the framework's
   * default does (the error's `status`, else 500): an Express error middleware, Koa's `app.on('error', …)`,
   * a Nest exception filter. Proves that unexpected failures reach the framework's error channel.
   */
  readonly onError: (error: unknown) => void;
}

/** The app an adapter mounts: a Node request listener, plus an optional cleanup (e.g. a Nest app's `close`). */
export type ContractApp = RequestListener | { readonly listener: RequestListener; close(): Promise<void> };

/**
 * Builds the adapter's app around `auth` (plain options or an instance: pass it to the adapter as it is).
 * The app must mount `threadsAuth(auth)` and serve:
 * - `GET /me` → JSON {@link contractMeBody}(the request's token);
 * - `GET /protected` behind `requireThreadsToken()`, answering 200;
 * - `GET /publish` behind `requireThreadsToken({ scopes: ['threads_content_publish'] })`, answering 200;
 * - `GET /app-token`, awaiting the instance's `getAppToken()` and answering 200 `ok`; a rejection must reach the
 *   framework's error channel and be answered by the framework's *default* error answer (Express: its final
 *   handler in production mode; Koa: `ctx.onerror`; Nest: `BaseExceptionFilter`), so the suite can prove what a
 *   browser sees of a `ThreadsAuthError` there.
 *
 * The suite listens first and mounts after, so that `auth`'s `redirectUri` names the app's own port.
 */
export type MountContractApp = (auth: ThreadsAuthInput, variant: ContractVariant & ContractHooks) => ContractApp | Promise<ContractApp>;

/** The JSON body of the contract app's `GET /me`: what the adapter put in its token slot. */
export function contractMeBody(token: ThreadsToken | undefined): { token: { accessToken: string; userId: string; scopes: readonly string[]; expiresAt: string } | null } {
  if (token === undefined) return { token: null };
  return { token: { accessToken: token.accessToken, userId: token.userId, scopes: token.scopes, expiresAt: token.expiresAt.toISOString() } };
}

/** The body of `GET /me`, as the suite reads it. */
export interface MeBody {
  token: { accessToken: string; userId: string; scopes: string[]; expiresAt: string } | null;
}

/** A cookie the app set, parsed enough to assert on its attributes. */
export interface SetCookieLine {
  readonly name: string;
  readonly value: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly line: string;
}

/** Parses one `Set-Cookie` line; attribute names lower-cased. */
export function parseSetCookie(line: string): SetCookieLine {
  const [pair = '', ...rest] = line.split(';');
  const eq = pair.indexOf('=');
  const attributes: Record<string, string> = {};
  for (const part of rest) {
    const i = part.indexOf('=');
    attributes[(i === -1 ? part : part.slice(0, i)).trim().toLowerCase()] = i === -1 ? '' : part.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes, line };
}

/** The `Set-Cookie` headers of `response`, one entry per header. */
export function setCookies(response: Response): SetCookieLine[] {
  return response.headers.getSetCookie().map(parseSetCookie);
}

/** A browser: sends the cookies it holds, keeps the ones it is sent, never follows redirects. */
export class Browser {
  readonly jar = new Map<string, string>();

  constructor(readonly origin: string) {}

  /** Requests `path` (or an absolute URL on the app) with the jar's cookies. */
  async fetch(path: string, init: RequestInit & { cookies?: boolean } = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (init.cookies !== false && this.jar.size > 0) headers.set('cookie', this.cookieHeader());
    const response = await fetch(new URL(path, this.origin), { ...init, headers, redirect: 'manual' });
    this.keep(response);
    return response;
  }

  /** `GET /me`'s token, or `null`. */
  async me(): Promise<MeBody['token']> {
    const response = await this.fetch('/me');
    if (response.status !== 200) throw new Error(`GET /me answered ${response.status}`);
    return ((await response.json()) as MeBody).token;
  }

  /** The `Cookie` header the jar sends. */
  cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  /** Keeps the cookies `response` sets; a `Max-Age=0` or empty value removes one. */
  keep(response: Response): void {
    for (const cookie of setCookies(response)) {
      if (cookie.value === '' || cookie.attributes['max-age'] === '0') this.jar.delete(cookie.name);
      else this.jar.set(cookie.name, cookie.value);
    }
  }

  /** A second browser with a copy of this one's cookies. */
  clone(): Browser {
    const copy = new Browser(this.origin);
    for (const [name, value] of this.jar) copy.jar.set(name, value);
    return copy;
  }
}

/** The app's upstream traffic, as its `fetch` saw it: every token Meta issued to it, for leak checks. */
export class UpstreamRecorder {
  readonly issuedTokens: string[] = [];
  /** Upstream calls the app has made whose answer it has not received yet. */
  inflight = 0;

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    this.inflight++;
    try {
      const response = await fetch(input, init);
      await response
        .clone()
        .text()
        .then((text) => {
          for (const match of text.matchAll(/"access_token"\s*:\s*"([^"]+)"/g)) this.issuedTokens.push(match[1]!);
        })
        .catch(() => {});
      return response;
    } finally {
      this.inflight--;
    }
  };
}

/** A started contract app. */
export interface Harness {
  readonly fake: FakeThreads;
  /** The app's origin, e.g. `http://127.0.0.1:49152`. */
  readonly origin: string;
  /** The options the app was built with. */
  readonly options: ThreadsAuthOptions;
  /** The instance, when the app was given one (`instance: true` or `store: true`). */
  readonly auth: ThreadsAuth | undefined;
  /** The token store, with `store: true`. */
  readonly store: MemoryTokenStore | undefined;
  /** The errors the app's error handling received. */
  readonly errors: readonly unknown[];
  /** The lines threads-auth's `logger` wrote. */
  readonly logs: readonly string[];
  readonly upstream: UpstreamRecorder;
  /** The clock of the app and the fake, in ms; move it forward with {@link Harness.advance}. */
  now(): number;
  advance(ms: number): void;
  browser(): Browser;
  close(): Promise<void>;
}

/** What {@link startHarness} takes. */
export interface HarnessOptions {
  readonly auth?: Partial<ThreadsAuthOptions>;
  readonly variant?: ContractVariant;
  /** Give the adapter an instance made with `createThreadsAuth` instead of plain options. */
  readonly instance?: boolean;
  /** Keep tokens in a `MemoryTokenStore` on the suite's clock (and give the adapter an instance). */
  readonly store?: boolean;
}

/** The fixed start of the suite's clock: 2026-03-01T12:00:00Z. */
export const CLOCK_START = Date.UTC(2026, 2, 1, 12, 0, 0);

/** The session secret the suite's apps seal with. */
export const CONTRACT_SECRET = 'contract-suite-secret-0123456789abcdef';

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Starts the fake, listens on port 0, then mounts the adapter's app with a `redirectUri` on that port. */
export async function startHarness(mount: MountContractApp, input: HarnessOptions = {}): Promise<Harness> {
  let clock = CLOCK_START;
  const now = () => clock;
  const fake = await startFakeThreads({ now });
  const server = createServer();
  let app: ContractApp | undefined;
  try {
    const origin = `http://127.0.0.1:${await listen(server)}`;
    const upstream = new UpstreamRecorder();
    const store = input.store ? new MemoryTokenStore({ now }) : undefined;
    const logs: string[] = [];
    const options: ThreadsAuthOptions = {
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      redirectUri: `${origin}${input.variant?.prefix ?? ''}/auth/threads/callback`,
      secret: CONTRACT_SECRET,
      authorizationUrl: fake.authorizationUrl,
      graphUrl: fake.url,
      timeoutMs: 500,
      retry: { delayMs: 0 },
      // The suite jumps weeks ahead to reach the refresh window; the idle-session limit has cases of its own.
      sessionMaxAge: 400 * 86_400_000,
      successRedirect: '/welcome',
      now,
      fetch: upstream.fetch,
      ...(store === undefined ? {} : { store }),
      logger: { error: (line: string) => logs.push(line) },
      ...input.auth,
    };
    const auth = input.instance || store !== undefined ? createThreadsAuth(options) : undefined;
    const errors: unknown[] = [];
    app = await mount(auth ?? options, { ...(input.variant ?? { bodyParser: false }), onError: (error) => errors.push(error) });
    server.on('request', typeof app === 'function' ? app : app.listener);
    const mounted = app;
    return {
      fake,
      origin,
      options,
      auth,
      store,
      errors,
      logs,
      upstream,
      now,
      advance: (ms) => {
        clock += ms;
      },
      browser: () => new Browser(origin),
      async close() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        if (typeof mounted !== 'function') await mounted.close();
        await fake.close();
      },
    };
  } catch (error) {
    server.close();
    await fake.close();
    throw error;
  }
}

/** A sign-in up to the consent: the browser holds the state cookie and is about to follow `callbackUrl`. */
export interface PendingSignIn {
  readonly login: Response;
  /** Where the app sent the browser: the fake's authorization URL. */
  readonly authorizeUrl: string;
  /** Where the fake sent the browser back: the app's callback URL (fragment dropped). */
  readonly callbackUrl: string;
  /** The `Cookie` header carrying the state cookie, as it was before the callback consumed it. */
  readonly stateCookie: string;
}

/** Every step of one sign-in, for assertions on each. */
export interface SignIn extends PendingSignIn {
  readonly callback: Response;
}

/** Walks `browser` through login and the consent (`allow` or `cancel`), stopping before the callback. */
export async function beginSignIn(browser: Browser, harness: Harness, input: { returnTo?: string; decision?: 'allow' | 'cancel' } = {}): Promise<PendingSignIn> {
  const query = input.returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(input.returnTo)}`;
  const login = await browser.fetch(`${new URL(harness.options.redirectUri).pathname.replace(/\/callback$/, '')}/login${query}`);
  const authorizeUrl = login.headers.get('location');
  if (login.status !== 302 || authorizeUrl === null) throw new Error(`login answered ${login.status}: ${await login.text()}`);
  const location = await harness.fake.approve(authorizeUrl, input.decision ?? 'allow');
  return { login, authorizeUrl, callbackUrl: location.replace(/#.*$/, ''), stateCookie: browser.cookieHeader() };
}

/** Walks `browser` through login → consent → callback. */
export async function signIn(browser: Browser, harness: Harness, input: { returnTo?: string; decision?: 'allow' | 'cancel' } = {}): Promise<SignIn> {
  const pending = await beginSignIn(browser, harness, input);
  return { ...pending, callback: await browser.fetch(pending.callbackUrl) };
}
