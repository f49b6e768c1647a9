/**
 * `@threads-auth/hono`: sign users in with Meta's Threads API and keep a valid long-lived token on
 * `c.get('threadsToken')`, in Hono 4 on any runtime it runs on.
 *
 * @packageDocumentation
 */
import { checkThreadsToken, createThreadsAuthHandler, errorOutcome, type ThreadsAuthInput, type ThreadsToken, toResponse } from '@threads-auth/web';
import type { IncomingHttpHeaders } from 'node:http';
import type { MiddlewareHandler } from 'hono';

export * from '@threads-auth/web';

declare module 'hono' {
  interface ContextVariableMap {
    /** The signed-in user's valid Threads token, set by `threadsAuth()`; `undefined` when nobody is signed in. */
    threadsToken: ThreadsToken | undefined;
  }
}

/**
 * Mounts threads-auth: `GET {basePath}/login`, `/callback`, `POST /logout`, Meta's `POST /deauthorize` and
 * `/delete` callbacks and `GET /deletion-status`; on every other request sets `c.get('threadsToken')`
 * (refreshed when due) and awaits `next()`. Needs no body parser and no cookie or session middleware.
 *
 * @param input - The options of `createThreadsAuth`, or an instance made by it (to share with jobs).
 * @returns A Hono middleware named `threadsAuth`; `app.use(threadsAuth(options))` before your routes, then guard
 *   routes with {@link requireThreadsToken}. A token store that fails or stalls is answered with 503 and `Retry-After`; other unexpected failures (a bug in a custom store) are thrown, to
 *   `app.onError`.
 * @throws {ThreadsAuthOptionError} at once, naming the missing or invalid option.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @example
 * ```ts
 * app.use(threadsAuth({ clientId, clientSecret, redirectUri, secret }));
 * app.get('/me', (c) => c.json({ userId: c.get('threadsToken')?.userId ?? null }));
 * ```
 */
export function threadsAuth(input: ThreadsAuthInput): MiddlewareHandler {
  const { resolve } = createThreadsAuthHandler(input);
  return async function threadsAuth(c, next) {
    // On Node, @hono/node-server hands over Node's request as `c.env.incoming`, whose headers are already a plain
    // record: reading them there spares building a `Headers` object for every request.
    const incoming = (c.env as { readonly incoming?: { readonly headers?: IncomingHttpHeaders } } | undefined)?.incoming;
    const resolution = await resolve(c.req.raw, incoming?.headers);
    if (resolution.response !== undefined) return resolution.response;
    for (const line of resolution.setCookie) c.header('set-cookie', line, { append: true });
    c.set('threadsToken', resolution.token);
    await next();
  };
}

/**
 * Guards a route: answers 401 (`unauthenticated`) without a signed-in user, 403 (`insufficient_scope`) when
 * the granted permissions lack one of `scopes`, else awaits `next()`. Mount after {@link threadsAuth}.
 *
 * @param options - `scopes`: the Threads permissions the route needs, e.g. `['threads_content_publish']`.
 * @returns A Hono middleware named `requireThreadsToken`: `app.post('/drafts', requireThreadsToken({ scopes }), handler)`.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 */
export function requireThreadsToken(options: { readonly scopes?: readonly string[] } = {}): MiddlewareHandler {
  return async function requireThreadsToken(c, next) {
    const error = checkThreadsToken(c.get('threadsToken'), options.scopes);
    if (error !== undefined) return toResponse(errorOutcome(error));
    await next();
  };
}
