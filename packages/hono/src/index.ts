/**
 * `@threads-auth/hono`: sign users in with Meta's Threads API and keep a valid long-lived token on
 * `c.get('threadsToken')`, in Hono 4 on any runtime it runs on.
 *
 * @packageDocumentation
 */
import { checkThreadsToken, createThreadsAuthHandler, errorOutcome, type ThreadsAuthInput, type ThreadsToken, toResponse, type WebResolution } from '@threads-auth/web';
import type { IncomingHttpHeaders } from 'node:http';
import type { Context, MiddlewareHandler, Next } from 'hono';

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
  return function threadsAuth(c, next) {
    // On Node, @hono/node-server hands over Node's request as `c.env.incoming`, whose headers are already a plain
    // record: reading them there spares building a `Headers` object for every request.
    const incoming = (c.env as { readonly incoming?: { readonly headers?: IncomingHttpHeaders } } | undefined)?.incoming;
    const resolution = resolve(c.req.raw, incoming?.headers);
    // Most requests resolve synchronously (no session, or one known in memory): no promise is awaited for them.
    return 'then' in resolution ? resolution.then((settled) => proceed(settled, c, next)) : proceed(resolution, c, next);
  };
}

async function proceed(resolution: WebResolution, c: Context, next: Next): Promise<Response | undefined> {
  if (resolution.response !== undefined) return resolution.response;
  for (const line of resolution.setCookie) c.header('set-cookie', line, { append: true });
  // Nobody signed in: `c.get('threadsToken')` is `undefined` already, and Hono makes no variable map for it.
  if (resolution.token !== undefined || c.get('threadsToken') !== undefined) c.set('threadsToken', resolution.token);
  await next();
  return undefined;
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
