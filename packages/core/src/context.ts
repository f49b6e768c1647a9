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
import { isThreadsAuthError, ThreadsAuthOptionError, type ThreadsAuthError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { errorOutcome, redirect, type ErrorOutcome, type RedirectOutcome } from './outcome.js';
import { asHtml, ERROR_PAGE_CSP, errorPage } from './pages.js';
import { withErrorParameter } from './redirect.js';
import { createSealer, type Sealer } from './seal.js';
import type { TokenStore } from './store.js';
import { redactText } from './threads.js';

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
  /**
   * A failure that is the app's or Meta's fault (or one that does not fail the request): to `onError` and one
   * line to the `logger`. Never throws.
   */
  report(error: unknown): void;
  /** Runs a user hook; a hook that throws is reported, never fails the request. */
  runHook(hook: () => void | Promise<void>): Promise<void>;
  /** A failed login or callback: to `failureRedirect?error=<code>` when configured, else the error's status and safe text. */
  failure(error: ThreadsAuthError, cookies: readonly SetCookie[]): RedirectOutcome | ErrorOutcome;
  /** `outcome` as the HTML page a browser gets: `renderError`'s, else the built-in one. */
  errorPage(outcome: ErrorOutcome): ErrorOutcome;
  /** The store, or a startup-style error naming the option for `method`. */
  requireStore(method: string): TokenStore;
}

/**
 * The one line the logger gets for `error`: the code, the step, Meta's code, subcode and fbtrace_id, the
 * developer message (URLs in it are already redacted; token-like text is redacted again) and the fix.
 */
export function failureLine(error: unknown): string {
  if (!isThreadsAuthError(error)) {
    const e = error instanceof Error ? error : new Error(String(error));
    return `threads-auth: ${e.name}: ${redactText(e.message).replace(/\s+/g, ' ')}`;
  }
  const meta = error.meta;
  const fields = [
    error.step === undefined ? '' : ` step=${error.step}`,
    meta?.code === undefined ? '' : ` meta_code=${meta.code}`,
    meta?.subcode === undefined ? '' : ` meta_subcode=${meta.subcode}`,
    meta?.fbtraceId === undefined ? '' : ` fbtrace_id=${meta.fbtraceId}`,
  ].join('');
  return `threads-auth: ${error.code}${fields}: ${redactText(error.message).replace(/\s+/g, ' ')} — fix: ${error.fix}`;
}

/** Builds the shared context from validated options. */
export function createContext(opts: ResolvedOptions): AuthContext {
  const report = (error: unknown) => {
    const failure = error instanceof Error ? error : new Error(String(error));
    try {
      opts.hooks.onError?.(failure);
    } catch {
      // a failing error hook must not fail the request
    }
    try {
      opts.logger?.error(failureLine(failure));
    } catch {
      // nor a failing logger
    }
  };
  const loginUrl = `${opts.basePath}/login`;
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
      // A cancel, a forged state or no session is the visitor's doing: nothing to log.
      if (error.fault !== 'request') report(error);
      if (opts.failureRedirect === undefined) return errorOutcome(error, cookies);
      return redirect(302, withErrorParameter(opts.failureRedirect, error.code), cookies, error);
    },
    errorPage(outcome: ErrorOutcome) {
      if (opts.renderError !== undefined) {
        try {
          const html = opts.renderError(outcome.error, { loginUrl });
          if (typeof html === 'string') return asHtml(outcome, html);
          report(new TypeError(`threads-auth: renderError returned ${typeof html}, not an HTML string; the built-in page was sent.`));
        } catch (error) {
          report(error);
        }
      }
      return asHtml(outcome, errorPage(outcome.error, loginUrl), { 'content-security-policy': ERROR_PAGE_CSP });
    },
    requireStore(method: string) {
      if (this.store === undefined) {
        throw new ThreadsAuthOptionError('store', `is required for ${method}(): configure MemoryTokenStore, RedisTokenStore or PostgresTokenStore.`);
      }
      return this.store;
    },
  });
}
