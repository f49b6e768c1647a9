/**
 * The one explicit context every part of a threads-auth instance shares (as Auth.js passes `InternalOptions`):
 * the validated options, the protocol client, the store, the clock, the cookies and sealers, and how failures
 * are reported. Built once by `createThreadsAuth`; no part keeps state that another part reads.
 *
 * @module
 */
import { boundStore } from './bounded-store.js';
import { clientFromResolved, type ThreadsClient } from './client.js';
import { cookieNames, setCookie, type CookieNames, type SetCookie } from './cookies.js';
import type { ThreadsAuthError } from './errors.js';
import { ThreadsAuthOptionError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { errorOutcome, redirect, type ErrorOutcome, type RedirectOutcome } from './outcome.js';
import { withErrorParameter } from './redirect.js';
import { createSealer, type Sealer } from './seal.js';
import type { TokenStore } from './store.js';

/** What every part of an instance shares. */
export interface AuthContext {
  readonly opts: ResolvedOptions;
  readonly client: ThreadsClient;
  readonly store: TokenStore | undefined;
  readonly now: () => number;
  readonly names: CookieNames;
  readonly sealers: { readonly state: Sealer; readonly session: Sealer; readonly store: Sealer };
  /** A `Set-Cookie` for one of our cookies, with our attributes; `maxAge` 0 clears it. */
  cookie(name: string, value: string, maxAgeSeconds: number): SetCookie;
  /** Passes a failure that does not fail the request to `onError`; never throws. */
  report(error: unknown): void;
  /** Runs a user hook; a hook that throws is reported, never fails the request. */
  runHook(hook: () => void | Promise<void>): Promise<void>;
  /** A failed login or callback: to `failureRedirect?error=<code>` when configured, else the error's status and safe text. */
  failure(error: ThreadsAuthError, cookies: readonly SetCookie[]): RedirectOutcome | ErrorOutcome;
  /** The store, or a startup-style error naming the option for `method`. */
  requireStore(method: string): TokenStore;
}

/** Builds the shared context from validated options. */
export function createContext(opts: ResolvedOptions): AuthContext {
  const report = (error: unknown) => {
    try {
      opts.hooks.onError?.(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // a failing error hook must not fail the request
    }
  };
  return Object.freeze({
    opts,
    client: clientFromResolved(opts),
    store: opts.store === undefined ? undefined : boundStore(opts.store, opts.storeTimeoutMs),
    now: opts.now,
    names: cookieNames(opts.secureCookies),
    sealers: Object.freeze({
      state: createSealer(opts.secrets, 'state', opts.randomBytes, opts.clientId),
      session: createSealer(opts.secrets, 'session', opts.randomBytes, opts.clientId),
      store: createSealer(opts.secrets, 'store', opts.randomBytes, opts.clientId),
    }),
    cookie: (name: string, value: string, maxAge: number) => setCookie(name, value, maxAge, opts.secureCookies),
    report,
    async runHook(hook: () => void | Promise<void>) {
      try {
        await hook();
      } catch (error) {
        report(error);
      }
    },
    failure(error: ThreadsAuthError, cookies: readonly SetCookie[]) {
      if (error.status >= 500) report(error);
      if (opts.failureRedirect === undefined) return errorOutcome(error, cookies);
      return redirect(302, withErrorParameter(opts.failureRedirect, error.code), cookies, error);
    },
    requireStore(method: string) {
      if (this.store === undefined) {
        throw new ThreadsAuthOptionError('store', `is required for ${method}(): configure MemoryTokenStore, RedisTokenStore or PostgresTokenStore.`);
      }
      return this.store;
    },
  });
}
