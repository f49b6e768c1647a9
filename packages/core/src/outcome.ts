/**
 * What `handle` and `dispatch` answer: a discriminated union on `type`, each carrying its Set-Cookie
 * instructions, and the few builders every part shares. Adapters only write these out.
 *
 * @module
 */
import type { SetCookie } from './cookies.js';
import type { ThreadsAuthError } from './errors.js';
import type { ThreadsToken } from './token.js';

/** Headers every answer of an auth route carries. */
export type OutcomeHeaders = Readonly<Record<string, string>>;

/** Send the browser elsewhere. */
export interface RedirectOutcome {
  readonly type: 'redirect';
  readonly status: 302 | 303;
  readonly location: string;
  /** Includes `location` and `cache-control`. */
  readonly headers: OutcomeHeaders;
  readonly cookies: readonly SetCookie[];
  /** Set when a failed login is redirected to `failureRedirect`. */
  readonly error?: ThreadsAuthError;
}

/** Answer with a body (the data-deletion JSON, the deletion status page, 405s). */
export interface RespondOutcome {
  readonly type: 'respond';
  readonly status: number;
  readonly headers: OutcomeHeaders;
  readonly body: string;
  readonly cookies: readonly SetCookie[];
}

/** Answer with an error: its status and its safe message as text. */
export interface ErrorOutcome {
  readonly type: 'error';
  readonly status: number;
  readonly headers: OutcomeHeaders;
  readonly body: string;
  readonly error: ThreadsAuthError;
  readonly cookies: readonly SetCookie[];
}

/** Not an auth route: continue to the app with the token (or `undefined`), after sending `cookies`. */
export interface PassOutcome {
  readonly type: 'pass';
  readonly token: ThreadsToken | undefined;
  readonly cookies: readonly SetCookie[];
}

/** What `handle` resolves: a discriminated union on `type`. */
export type Outcome = RedirectOutcome | RespondOutcome | ErrorOutcome | PassOutcome;

const NO_STORE = 'no-store';

/** No cookie to set. */
export const NO_COOKIES: readonly SetCookie[] = Object.freeze([]);

/** An app request without a session. */
export const ANONYMOUS: PassOutcome = Object.freeze({ type: 'pass', token: undefined, cookies: NO_COOKIES });

/** An app request carrying `token`, nothing to set. */
export function pass(token: ThreadsToken, cookies: readonly SetCookie[] = NO_COOKIES): PassOutcome {
  return Object.freeze({ type: 'pass', token, cookies });
}

export function redirect(status: 302 | 303, location: string, cookies: readonly SetCookie[], error?: ThreadsAuthError): RedirectOutcome {
  const outcome: RedirectOutcome = { type: 'redirect', status, location, headers: { location, 'cache-control': NO_STORE }, cookies };
  return error === undefined ? outcome : { ...outcome, error };
}

export function respond(status: number, contentType: string, body: string, extra: OutcomeHeaders = {}): RespondOutcome {
  return { type: 'respond', status, headers: { 'content-type': contentType, 'cache-control': NO_STORE, ...extra }, body, cookies: NO_COOKIES };
}

/** 405 with the `Allow` header. */
export function methodNotAllowed(allow: string): RespondOutcome {
  return respond(405, 'text/plain; charset=utf-8', 'Method Not Allowed', { allow });
}

/**
 * The answer to give for `error`: its HTTP status and its safe message as text, never a secret.
 * What adapters send for `requireThreadsToken` / `ThreadsAuthGuard` refusals and failed logins.
 */
export function errorOutcome(error: ThreadsAuthError, cookies: readonly SetCookie[] = NO_COOKIES): ErrorOutcome {
  return {
    type: 'error',
    status: error.status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': NO_STORE, ...error.headers },
    body: error.safeMessage,
    error,
    cookies,
  };
}

/** A small HTML page (the deletion status page). `title` and `text` must be plain, trusted text. */
export function htmlPage(title: string, text: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem"><h1>${title}</h1><p>${text}</p></body></html>`;
}
