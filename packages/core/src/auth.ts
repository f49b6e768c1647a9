/**
 * `createThreadsAuth(options)`: validates once and composes the parts into a frozen {@link ThreadsAuth}.
 * Each part is a file named for what it is (docs/decisions/0003-core-layout.md):
 * the router reads requests, sign-in runs the protocol, the session codec says what a cookie carries,
 * the lifecycle keeps tokens alive, meta-callbacks answers Meta.
 *
 * @module
 */
import { createAdoptToken, type AdoptToken } from './adopt.js';
import type { ThreadsClient } from './client.js';
import { createContext } from './context.js';
import { ThreadsAuthError } from './errors.js';
import { fetchAppToken, introspectToken, type TokenIntrospection } from './introspect.js';
import { createLifecycle } from './lifecycle.js';
import { createMetaCallbacks } from './meta-callbacks.js';
import { createPendingWrites } from './pending-writes.js';
import { resolveOptions, type ThreadsAuthOptions } from './options.js';
import type { Outcome } from './outcome.js';
import { createRouter, type ThreadsAuthRequest } from './router.js';
import { createSessionCodec } from './session.js';
import { createSignIn } from './sign-in.js';
import type { ThreadsToken } from './token.js';
import { createUpkeep } from './upkeep.js';
import type { StartUpkeepOptions, UpkeepOptions, UpkeepReport, UpkeepRunner } from './upkeep-options.js';

const BRAND = Symbol.for('threads-auth.instance');

/**
 * A configured threads-auth instance: what the adapters use, and what jobs use outside requests.
 * Create it with {@link createThreadsAuth}; pass it (or plain options) to `threadsAuth(...)` or
 * `ThreadsAuthModule.forRoot(...)`.
 */
export interface ThreadsAuth {
  /** Where the routes are mounted, e.g. `/auth/threads`. */
  readonly basePath: string;
  /** The protocol client, for the step functions. */
  readonly client: ThreadsClient;
  /** Whether tokens are kept in a server-side store (else in the sealed session cookie). */
  readonly hasStore: boolean;
  /**
   * Handles one request: the login, callback, logout, deauthorize, delete and deletion-status routes under
   * `basePath`, and on every other request resolves the session's token (refreshing it when due).
   * Rejects only on unexpected failures (a bug in a custom store); protocol failures and a store that fails or stalls (503) are outcomes.
   */
  handle(request: ThreadsAuthRequest): Promise<Outcome>;
  /**
   * What adapters call: the same answer as {@link ThreadsAuth.handle}, returned synchronously when no I/O is
   * needed (no session, or a session whose token is in memory and not due), else a promise. It never throws
   * synchronously: an unexpected failure is a rejected promise.
   */
  dispatch(request: ThreadsAuthRequest): Outcome | Promise<Outcome>;
  /**
   * A valid token for `userId`, refreshed first when due, or `null` when none is stored or it can no longer
   * be refreshed. Needs a `store`.
   * @throws {ThreadsAuthOptionError} without a store.
   */
  getToken(userId: string): Promise<ThreadsToken | null>;
  /**
   * One upkeep run: refreshes every stored token that has reached its point of the refresh window (at least 24 h
   * old, and within `refreshWindow` of expiry minus a per-user offset, see `refreshOffset`), `concurrency` at a time,
   * paging with the store's cursor. Safe to run from any number of workers on one shared store: a token is
   * refreshed once, and one another worker holds is `skipped`. Resolves counts and the first failures, never
   * the tokens. Run it from a scheduler (cron, a BullMQ repeatable job, a pg-boss schedule), or use
   * {@link ThreadsAuth.startUpkeep}. Needs a `store`.
   * @throws {ThreadsAuthOptionError} without a store, or for an option out of range.
   * @rejects when the store cannot list due tokens.
   */
  refreshDue(options?: UpkeepOptions): Promise<UpkeepReport>;
  /**
   * Runs {@link ThreadsAuth.refreshDue} now and then `every` ms after each run ends, until `stop()`: for a
   * long-running process. A run that rejects goes to `onError`, and the next one runs as planned.
   * @throws {ThreadsAuthOptionError} without a store, or without a valid `every`.
   */
  startUpkeep(options: StartUpkeepOptions): UpkeepRunner;
  /** Forgets the user's token (store) and calls `onTokenRevoked`. Resolves whether a token was stored. */
  revoke(userId: string): Promise<boolean>;
  /** What Threads' `debug_token` says about `accessToken`. @throws {ThreadsAuthError} */
  inspect(accessToken: string): Promise<TokenIntrospection>;
  /** The app access token (client_credentials), fetched once and reused. @throws {ThreadsAuthError} */
  getAppToken(): Promise<string>;
  /**
   * Adopts a token obtained elsewhere (the App Dashboard's User Token Generator, an older script's `.env`, an
   * app migrating from its own OAuth code): inspects it with debug_token, exchanges it for a long-lived one when
   * it is short-lived, and stores it, so that `getToken` and `refreshDue` keep it alive like a signed-in one.
   * Needs a `store`. Calls no hook.
   * @returns the stored token, and whether it was exchanged. Call `getToken(token.userId)` next.
   * @throws {ThreadsAuthOptionError} without a store.
   * @throws {ThreadsAuthError} `token_expired` (the token is dead), `invalid_request` (empty, or not a user
   *   token), `invalid_upstream_response` (another user than `userId`), `long_lived_exchange_failed`, and the
   *   upstream codes of `introspectToken` and `exchangeForLongLivedToken`.
   * @see https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
   */
  readonly adoptToken: AdoptToken;
  /** @internal */
  readonly [BRAND]: true;
}

/** True when `value` is a {@link ThreadsAuth} made by `createThreadsAuth`. */
export function isThreadsAuth(value: unknown): value is ThreadsAuth {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** An instance, or the options to create one: what every adapter accepts. */
export type ThreadsAuthInput = ThreadsAuth | ThreadsAuthOptions;

/** `input` itself when it is an instance, else `createThreadsAuth(input)`. */
export function toThreadsAuth(input: ThreadsAuthInput): ThreadsAuth {
  return isThreadsAuth(input) ? input : createThreadsAuth(input);
}

/**
 * Validates `options` once and returns the frozen {@link ThreadsAuth} instance the adapters use.
 *
 * @throws {ThreadsAuthOptionError} naming the first missing or invalid option.
 * @example
 * ```ts
 * const auth = createThreadsAuth({
 *   clientId: process.env.THREADS_APP_ID!, clientSecret: process.env.THREADS_APP_SECRET!,
 *   redirectUri: 'https://example.com/auth/threads/callback', secret: process.env.SESSION_SECRET!,
 *   store: new RedisTokenStore({ url: process.env.REDIS_URL! }),
 * });
 * app.use(threadsAuth(auth));            // Express or Koa
 * const token = await auth.getToken(id); // in a job
 * ```
 */
export function createThreadsAuth(options: ThreadsAuthOptions): ThreadsAuth {
  const ctx = createContext(resolveOptions(options));
  const pending = ctx.store === undefined ? undefined : createPendingWrites(ctx.store, ctx.report);
  const sessions = createSessionCodec(ctx, pending);
  const lifecycle = createLifecycle(ctx, sessions, pending);
  const signIn = createSignIn(ctx, sessions, lifecycle);
  const metaCallbacks = createMetaCallbacks(ctx, lifecycle);
  const dispatch = createRouter(ctx, { sessions, lifecycle, signIn, metaCallbacks });
  const upkeep = createUpkeep(ctx, sessions, lifecycle);
  let appToken: Promise<string> | undefined;

  return Object.freeze({
    basePath: ctx.opts.basePath,
    client: ctx.client,
    hasStore: ctx.store !== undefined,
    dispatch,
    handle: async (request: ThreadsAuthRequest) => dispatch(request),
    getToken: lifecycle.getToken,
    refreshDue: upkeep.run,
    startUpkeep: upkeep.start,
    revoke: (userId: string) => lifecycle.forget(userId, 'revoked'),
    adoptToken: createAdoptToken(ctx, lifecycle),
    inspect: (accessToken: string) => introspectToken(ctx.client, accessToken),
    getAppToken() {
      appToken ??= fetchAppToken(ctx.client).catch((error: unknown) => {
        appToken = undefined;
        throw error;
      });
      return appToken;
    },
    [BRAND]: true as const,
  });
}

/**
 * Checks a request's token against a requirement: resolves `undefined` when it passes, else the error to
 * answer with (`unauthenticated`, 401, without a token; `insufficient_scope`, 403, without every scope).
 * What `requireThreadsToken` and `ThreadsAuthGuard` use.
 */
export function checkThreadsToken(token: ThreadsToken | undefined, scopes: readonly string[] = []): ThreadsAuthError | undefined {
  if (token === undefined) return new ThreadsAuthError('unauthenticated');
  for (const scope of scopes) {
    if (!token.scopes.includes(scope)) return new ThreadsAuthError('insufficient_scope', { message: `the token lacks the ${scope} permission` });
  }
  return undefined;
}
