/**
 * `@threads-auth/fastify`: sign users in with Meta's Threads API and keep a valid long-lived token on
 * `request.threadsToken`, in Fastify 4 and 5.
 *
 * @packageDocumentation
 */
import { checkThreadsToken, errorOutcome, isThreadsAuthError, toThreadsAuth, type Outcome, type ThreadsAuthInput, type ThreadsToken } from '@threads-auth/core';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';

export * from '@threads-auth/core';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user's valid Threads token, set by the `threadsAuth` plugin; `undefined` when nobody is signed in. */
    threadsToken?: ThreadsToken;
  }
}

/** What `app.register(threadsAuth, options)` takes: the options of `createThreadsAuth`, or an instance made by it. */
export type ThreadsAuthPluginOptions = ThreadsAuthInput;

function write(reply: FastifyReply, outcome: Exclude<Outcome, { type: 'pass' }>): void {
  reply.code(outcome.status).headers(outcome.headers);
  // One Set-Cookie header per cookie: Fastify sends an array as repeated headers.
  if (outcome.cookies.length > 0) reply.header('set-cookie', outcome.cookies.map((cookie) => cookie.header));
  reply.send(outcome.type === 'redirect' ? undefined : outcome.body);
}

/**
 * The `onRequest` hook behind the plugin, for hosts that own the Fastify instance themselves (the NestJS
 * module on `@nestjs/platform-fastify`). Apps register {@link threadsAuth} instead.
 *
 * It runs before Fastify parses the body, so the Meta callbacks read the raw form whatever content-type
 * parsers the app registered.
 *
 * @param input - The options of `createThreadsAuth`, or an instance made by it.
 * @returns A callback-style `onRequest` hook: answers the auth routes, sets `request.threadsToken` on every
 *   other request. A token store that is down is answered with 503 and `Retry-After`; other unexpected failures go
 *   to `done(err)`, Fastify's error handler, as an `Error` whose message is safe to show (Fastify's default handler
 *   sends `err.message`), with `statusCode` (500, or a `ThreadsAuthError`'s status) and the original as `cause`.
 * @throws {ThreadsAuthOptionError} at once, naming the missing or invalid option.
 */
export function threadsAuthHook(input: ThreadsAuthInput): (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  const auth = toThreadsAuth(input);
  return function threadsAuthOnRequest(request, reply, done) {
    const outcome = auth.dispatch({ method: request.method, url: request.url, headers: request.headers, body: request.raw });
    // Most requests (no session, or a session known in memory) are answered without a promise round.
    if ('type' in outcome) return deliver(outcome, request, reply, done);
    outcome.then(
      (settled) => deliver(settled, request, reply, done),
      (error: unknown) => done(safeError(error)),
    );
  };
}

/**
 * What Fastify's error handler gets for an unexpected failure: its default handler sends `err.message` to the
 * client, so the message is the safe one (the error table's for a `ThreadsAuthError`, else the status text) and
 * the original error, with its internals, stays on `cause` for the app's `setErrorHandler` and the log.
 */
function safeError(error: unknown): Error & { statusCode: number } {
  const known = isThreadsAuthError(error);
  const safe = new Error(known ? error.safeMessage : 'Internal Server Error', { cause: error }) as Error & { statusCode: number; code?: string };
  safe.name = 'ThreadsAuthUnexpectedError';
  safe.statusCode = known ? error.status : 500;
  if (known) safe.code = error.code;
  return safe;
}

function deliver(outcome: Outcome, request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  // Answered from the hook: Fastify then skips the route (and never calls `done`).
  if (outcome.type !== 'pass') {
    write(reply, outcome);
    return;
  }
  if (outcome.cookies.length > 0) reply.header('set-cookie', outcome.cookies.map((cookie) => cookie.header));
  request.threadsToken = outcome.token;
  done();
}

// Async, so that an option error thrown here rejects `ready()` instead of escaping avvio as an uncaught exception.
const plugin: FastifyPluginAsync<ThreadsAuthPluginOptions> = async (fastify: FastifyInstance, input) => {
  const hook = threadsAuthHook(input);
  fastify.decorateRequest('threadsToken', undefined);
  fastify.addHook('onRequest', hook);
};

/**
 * The Fastify plugin: mounts `GET {basePath}/login`, `/callback`, `POST /logout`, Meta's `POST /deauthorize`
 * and `/delete` callbacks and `GET /deletion-status`; on every other request sets `request.threadsToken`
 * (refreshed when due). Wrapped with `fastify-plugin`, so the hook applies to every route of the app. Needs no
 * `@fastify/formbody`, `@fastify/cookie` or session plugin, and works beside any content-type parser.
 *
 * @param options - The options of `createThreadsAuth`, or an instance made by it (to share with jobs).
 * @returns Register it with `app.register(threadsAuth, options)` before your routes, then guard routes with
 *   `preHandler: requireThreadsToken(...)`. A token store that fails or stalls is answered with 503 and `Retry-After`; other unexpected failures (a bug in a custom store) go to the app's
 *   error handler (`setErrorHandler`) as an `Error` with a safe message, `statusCode` 500 and the original as
 *   `cause`, so that Fastify's default handler never sends an internal message to the client.
 * @throws {ThreadsAuthOptionError} when the app starts (`ready`/`listen`), naming the missing or invalid option.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @example
 * ```ts
 * await app.register(threadsAuth, { clientId, clientSecret, redirectUri, secret });
 * app.get('/me', { preHandler: requireThreadsToken() }, (request) => ({ userId: request.threadsToken?.userId }));
 * ```
 */
export const threadsAuth = fp(plugin, { name: '@threads-auth/fastify', fastify: '4.x || 5.x' });

/**
 * Guards a route: answers 401 (`unauthenticated`) without a signed-in user, 403 (`insufficient_scope`) when
 * the granted permissions lack one of `scopes`, else lets the route run. Register {@link threadsAuth} first.
 *
 * @param options - `scopes`: the Threads permissions the route needs, e.g. `['threads_content_publish']`.
 * @returns A `preHandler` hook: `app.post('/drafts', { preHandler: requireThreadsToken({ scopes }) }, handler)`.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 */
export function requireThreadsToken(
  options: { readonly scopes?: readonly string[] } = {},
): (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void {
  return function requireThreadsToken(request, reply, done) {
    const error = checkThreadsToken(request.threadsToken, options.scopes);
    if (error === undefined) return done();
    write(reply, errorOutcome(error));
  };
}
