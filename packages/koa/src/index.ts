/**
 * `@threads-auth/koa`: sign users in with Meta's Threads API and keep a valid long-lived token on
 * `ctx.state.threadsToken`, in Koa 2 and 3.
 *
 * @packageDocumentation
 */
import { checkThreadsToken, errorOutcome, toThreadsAuth, type Outcome, type ThreadsAuthInput, type ThreadsToken } from '@threads-auth/core';
import type { Context, DefaultState, Middleware, Next, ParameterizedContext } from 'koa';

export * from '@threads-auth/core';

declare module 'koa' {
  interface DefaultState {
    /** The signed-in user's valid Threads token, set by `threadsAuth()`; `undefined` when nobody is signed in. */
    threadsToken?: ThreadsToken;
  }
}

function write(ctx: Context, outcome: Exclude<Outcome, { type: 'pass' }>): void {
  ctx.status = outcome.status;
  ctx.set(outcome.headers);
  for (const cookie of outcome.cookies) ctx.append('Set-Cookie', cookie.header);
  if (outcome.type !== 'redirect') ctx.body = outcome.body;
}

/**
 * Mounts threads-auth: `GET {basePath}/login`, `/callback`, `POST /logout`, Meta's `POST /deauthorize` and
 * `/delete` callbacks and `GET /deletion-status`; on every other request sets `ctx.state.threadsToken`
 * (refreshed when due) and awaits `next()`. Needs no body parser and no session middleware.
 *
 * @param input - The options of `createThreadsAuth`, or an instance made by it (to share with jobs).
 * @returns A Koa middleware named `threadsAuth`; `app.use(...)` it before your routes, then guard routes
 *   with {@link requireThreadsToken}. A token store that fails or stalls is answered with 503 and `Retry-After`; other unexpected failures (a bug in a custom store) are thrown, to Koa's
 *   error handling.
 * @throws {ThreadsAuthOptionError} at startup, naming the missing or invalid option.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @example
 * ```ts
 * app.use(threadsAuth({ clientId, clientSecret, redirectUri, secret }));
 * app.use((ctx) => { ctx.body = { userId: ctx.state.threadsToken?.userId }; });
 * ```
 */
export function threadsAuth(input: ThreadsAuthInput): Middleware {
  const auth = toThreadsAuth(input);
  return async function threadsAuth(ctx: Context, next: Next): Promise<void> {
    const request = { method: ctx.method, url: ctx.originalUrl, headers: ctx.headers, body: ctx.req, parsedBody: (ctx.request as { body?: unknown }).body };
    const dispatched = auth.dispatch(request);
    // Synchronous when no I/O is needed: skip the await's microtask on the hot path.
    const outcome = 'type' in dispatched ? dispatched : await dispatched;
    if (outcome.type !== 'pass') return write(ctx, outcome);
    for (const cookie of outcome.cookies) ctx.append('Set-Cookie', cookie.header);
    ctx.state.threadsToken = outcome.token;
    await next();
  };
}

/** Options of {@link requireThreadsToken}. */
export interface RequireThreadsTokenOptions {
  /** The Threads permissions the route needs, e.g. `['threads_content_publish']`. */
  readonly scopes?: readonly string[];
}

/** A context that passed {@link requireThreadsToken}: `ctx.state.threadsToken` is there, no `!` needed. */
export type ThreadsContext = ParameterizedContext<DefaultState & { threadsToken: ThreadsToken }>;

/** A route handler behind {@link requireThreadsToken}. */
export type ThreadsTokenHandler = (ctx: ThreadsContext, next: Next) => unknown;

/**
 * Guards a route: answers 401 (`unauthenticated`) without a signed-in user, 403 (`insufficient_scope`) when
 * the granted permissions lack one of `scopes`, else awaits `next()` — or, given a `handler`, awaits it with a
 * context whose `state.threadsToken` is typed as present. Mount after {@link threadsAuth}.
 *
 * @param options - `scopes`: the Threads permissions the route needs, e.g. `['threads_content_publish']`.
 * @param handler - The route handler, called only with a token.
 * @returns A Koa middleware named `requireThreadsToken`.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @example
 * ```ts
 * router.post('/post', requireThreadsToken({ scopes: ['threads_content_publish'] }, async (ctx) => {
 *   ctx.body = { userId: ctx.state.threadsToken.userId }; // no `!`: the guard ran
 * }));
 * ```
 */
export function requireThreadsToken(options?: RequireThreadsTokenOptions): Middleware;
export function requireThreadsToken(handler: ThreadsTokenHandler): Middleware;
export function requireThreadsToken(options: RequireThreadsTokenOptions, handler: ThreadsTokenHandler): Middleware;
export function requireThreadsToken(first: RequireThreadsTokenOptions | ThreadsTokenHandler = {}, second?: ThreadsTokenHandler): Middleware {
  const handler = typeof first === 'function' ? first : second;
  const scopes = typeof first === 'function' ? undefined : first.scopes;
  return async function requireThreadsToken(ctx: Context, next: Next): Promise<void> {
    const error = checkThreadsToken(ctx.state.threadsToken, scopes);
    if (error !== undefined) return write(ctx, errorOutcome(error));
    if (handler === undefined) return next();
    await handler(ctx as unknown as ThreadsContext, next);
  };
}
