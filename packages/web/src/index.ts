/**
 * `@threads-auth/web`: threads-auth on the Fetch API's `Request` and `Response`, for every runtime and
 * framework built on them (Next.js route handlers, Hono, Bun.serve, Deno.serve, …).
 *
 * @packageDocumentation
 */
import { toThreadsAuth, type Outcome, type RequestBodyStream, type ThreadsAuth, type ThreadsAuthInput, type ThreadsAuthRequest, type ThreadsToken } from '@threads-auth/core';

export * from '@threads-auth/core';

/** The token of a request's session, and the cookies to send back with whatever the app answers. */
export interface ThreadsTokenResult {
  /** The signed-in user's valid token (refreshed when due), or `undefined` when nobody is signed in. */
  readonly token: ThreadsToken | undefined;
  /**
   * `Set-Cookie` header values to append to the app's response, one header each (never joined): a session
   * re-sealed after a refresh, or a stale one cleared. Usually empty.
   */
  readonly setCookie: readonly string[];
}

/** What {@link ThreadsAuthHandler.resolve} gives: an auth route's answer, or the token to continue with. */
export type WebResolution = { readonly response: Response } | ({ readonly response: undefined } & ThreadsTokenResult);

/** What {@link createThreadsAuthHandler} returns. */
export interface ThreadsAuthHandler {
  /** The core instance, for jobs: `getToken(userId)`, `refreshDue()`, `revoke(userId)`. */
  readonly auth: ThreadsAuth;
  /**
   * Answers the auth routes under `basePath` (login, callback, logout, deauthorize, delete, deletion-status).
   *
   * @returns The `Response` of an auth route, or `undefined` when `request` is not one: go on with the app.
   *   Rejects only on unexpected failures (a token store that is down).
   */
  handler(request: Request): Promise<Response | undefined>;
  /**
   * The token of `request`'s session (refreshed when due), and the `Set-Cookie` values to add to the response.
   * Reads only the cookies: pass the `Request`, or its `Headers` (e.g. `await headers()` in a Next.js server
   * component, which cannot set cookies: a refresh is then sent again by the next route that can).
   *
   * @throws {ThreadsAuthError} `store_unavailable` (503, with `headers` carrying `retry-after`) when the token
   *   store is down: answer `toResponse(errorOutcome(error))`, never treat the user as anonymous.
   */
  getThreadsToken(request: Request | Headers): Promise<ThreadsTokenResult>;
  /**
   * {@link handler} and {@link getThreadsToken} in one pass, for middleware: synchronous when no I/O is needed.
   *
   * @param headers - `request`'s headers as a plain record with lower-case names, when the server already holds
   *   one (Node's `IncomingMessage.headers` under `@hono/node-server`): saves building it from `request.headers`.
   */
  resolve(request: Request, headers?: ThreadsAuthRequest['headers']): WebResolution | Promise<WebResolution>;
}

/** The path and query of an absolute URL, without parsing it: core matches routes on `/path?query`. */
function pathOf(url: string): string {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  return slash === -1 ? '/' : url.slice(slash);
}

/** A `ReadableStream` as the async iterable core reads a form from (async iteration of streams is not everywhere). */
async function* chunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * `request` as core reads it. A class, not an object literal with a getter: one shape for every request, and no
 * getter closure made per request.
 */
class CoreRequest implements ThreadsAuthRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: ThreadsAuthRequest['headers'];
  readonly #request: Request;
  constructor(request: Request, headers: ThreadsAuthRequest['headers'] | undefined) {
    this.#request = request;
    this.method = request.method;
    this.url = pathOf(request.url);
    // `Headers` iterates lower-case names, as core expects; repeated headers arrive joined with ", ".
    this.headers = headers ?? Object.fromEntries(request.headers);
  }
  /** Read only on the form routes: some servers (@hono/node-server) build the real body stream on first access. */
  get body(): RequestBodyStream | undefined {
    const body = this.#request.body;
    return body === null ? undefined : chunks(body);
  }
}

/**
 * An auth route's outcome as a `Response`: its status and headers, and one `Set-Cookie` header per cookie.
 *
 * @param outcome - A `redirect`, `respond` or `error` outcome (e.g. `errorOutcome(checkThreadsToken(...))`).
 */
export function toResponse(outcome: Exclude<Outcome, { type: 'pass' }>): Response {
  const headers = new Headers(outcome.headers);
  for (const cookie of outcome.cookies) headers.append('set-cookie', cookie.header);
  return new Response(outcome.type === 'redirect' ? null : outcome.body, { status: outcome.status, headers });
}

const NO_COOKIES: readonly string[] = Object.freeze([]);

function toResolution(outcome: Outcome): WebResolution {
  if (outcome.type !== 'pass') return { response: toResponse(outcome) };
  // Most requests change no cookie: no array is made for them.
  return { response: undefined, token: outcome.token, setCookie: outcome.cookies.length === 0 ? NO_COOKIES : outcome.cookies.map((cookie) => cookie.header) };
}

/**
 * Creates the Web-standard entry of threads-auth.
 *
 * @param input - The options of `createThreadsAuth`, or an instance made by it (to share with jobs).
 * @returns `{ handler, getThreadsToken, resolve, auth }`: mount `handler` on the auth routes (in Next.js,
 *   `app/auth/threads/[...route]/route.ts`), and read the token with `getThreadsToken` where you need it.
 * @throws {ThreadsAuthOptionError} at once, naming the missing or invalid option.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @example
 * ```ts
 * const { handler, getThreadsToken } = createThreadsAuthHandler({ clientId, clientSecret, redirectUri, secret });
 * export const GET = async (request: Request) => (await handler(request)) ?? new Response('Not found', { status: 404 });
 * ```
 */
export function createThreadsAuthHandler(input: ThreadsAuthInput): ThreadsAuthHandler {
  const auth = toThreadsAuth(input);
  const routePrefix = `${auth.basePath}/`;
  function resolve(request: Request, headers?: ThreadsAuthRequest['headers']): WebResolution | Promise<WebResolution> {
    const outcome = auth.dispatch(new CoreRequest(request, headers));
    return 'type' in outcome ? toResolution(outcome) : outcome.then(toResolution);
  }
  return Object.freeze({
    auth,
    resolve,
    async handler(request: Request): Promise<Response | undefined> {
      // Not under basePath: not an auth route, and no session work done for nothing (core matches the route).
      if (!pathOf(request.url).startsWith(routePrefix)) return undefined;
      return (await resolve(request)).response;
    },
    async getThreadsToken(request: Request | Headers): Promise<ThreadsTokenResult> {
      // Only the session cookie decides the token; `/` is never an auth route, so no route runs.
      const headers = Object.fromEntries(request instanceof Headers ? request : request.headers);
      const outcome = await auth.dispatch({ method: 'GET', url: '/', headers });
      // `/` is no auth route, so the one answer besides `pass` is an error: a token store that is down.
      if (outcome.type === 'error') throw outcome.error;
      if (outcome.type !== 'pass') throw new Error(`threads-auth: getThreadsToken got a ${outcome.type} outcome for "/"`);
      return { token: outcome.token, setCookie: outcome.cookies.map((cookie) => cookie.header) };
    },
  });
}
