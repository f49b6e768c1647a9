/**
 * The router: the only place that reads a request's URL and Cookie header. It parses each once, matches the
 * route with one exhaustive switch (a route added to {@link ROUTES} without a case does not compile), checks the
 * method per route, and hands plain values to the part that owns the route. An app request (not under
 * `basePath`) resolves its session and continues synchronously whenever no I/O is needed.
 *
 * @module
 */
import type { AuthContext } from './context.js';
import { readCookie } from './cookies.js';
import type { RequestBodyStream } from './form-body.js';
import type { Lifecycle } from './lifecycle.js';
import type { MetaCallbacks } from './meta-callbacks.js';
import { isThreadsAuthError } from './errors.js';
import { ANONYMOUS, errorOutcome, methodNotAllowed, type Outcome, type PassOutcome } from './outcome.js';
import type { Active, SessionCodec } from './session.js';
import type { SignIn } from './sign-in.js';

/** A request, as plain data. Adapters build it from their framework's request. */
export interface ThreadsAuthRequest {
  /** The HTTP method, upper case. */
  readonly method: string;
  /** The path and query the app received, e.g. `/auth/threads/callback?code=…&state=…`. */
  readonly url: string;
  /** The request headers, lower-case names (Node's `IncomingHttpHeaders` fits). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /**
   * The request body stream (Node's `IncomingMessage` fits), read only on the POST routes that take a form
   * (`deauthorize`, `delete`) and only when no body parser already did.
   */
  readonly body?: RequestBodyStream;
  /** What a body parser already made of the body (`req.body`, `ctx.request.body`), if one ran. */
  readonly parsedBody?: unknown;
}

/**
 * Every route under `basePath`, with the methods it answers. `HEAD` is allowed only where it has no effect
 * beyond what `GET` shows: never on the callback, whose `GET` spends a one-time code.
 */
export const ROUTES = Object.freeze({
  login: ['GET', 'HEAD'],
  callback: ['GET'],
  logout: ['POST'],
  deauthorize: ['POST'],
  delete: ['POST'],
  'deletion-status': ['GET', 'HEAD'],
} as const satisfies Record<string, readonly string[]>);

/** A route under `basePath`. */
export type Route = keyof typeof ROUTES;

/** What the router dispatches to. */
export interface RouterParts {
  readonly sessions: SessionCodec;
  readonly lifecycle: Lifecycle;
  readonly signIn: SignIn;
  readonly metaCallbacks: MetaCallbacks;
}

/** Answers one request: synchronously when no I/O is needed, else a promise. Never throws synchronously. */
export type Dispatch = (request: ThreadsAuthRequest) => Outcome | Promise<Outcome>;

function assertNever(route: never): never {
  throw new Error(`threads-auth: unhandled route ${String(route)}`);
}

function header(headers: ThreadsAuthRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : value?.[0];
}

/**
 * True when `accept` asks for HTML (`text/html` or `application/xhtml+xml` with a non-zero q), as a browser's
 * navigation does; API clients and `fetch` (which accepts any type by default) get plain text.
 */
export function acceptsHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';');
    const media = type.trim().toLowerCase();
    if (media !== 'text/html' && media !== 'application/xhtml+xml') continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/**
 * The route `url`'s path names (query excluded), or `undefined` for an app route: the callback is exactly
 * `callbackPath` (`redirectUri`'s path); the others are `{basePath}/{name}`.
 */
export function routeOf(basePath: string, callbackPath: string, url: string, pathEnd: number): Route | undefined {
  if (pathEnd === callbackPath.length && url.startsWith(callbackPath)) return 'callback';
  if (pathEnd <= basePath.length || !url.startsWith(basePath) || url.charCodeAt(basePath.length) !== 47) return undefined;
  const name = url.slice(basePath.length + 1, pathEnd);
  return name !== 'callback' && Object.hasOwn(ROUTES, name) ? (name as Route) : undefined;
}

/** Builds the instance's dispatch. */
export function createRouter(ctx: AuthContext, parts: RouterParts): Dispatch {
  const { sessions, lifecycle, signIn, metaCallbacks } = parts;
  const { basePath, callbackPath } = ctx.opts;
  const { names, now } = ctx;

  const continueWith = (active: Active | null, at: number): PassOutcome | Promise<PassOutcome> =>
    active === null ? sessions.signedOut : lifecycle.attach(active, at);

  /** An app request: the session's token, refreshed when due. The clock is read once. */
  function app(request: ThreadsAuthRequest): Outcome | Promise<Outcome> {
    const value = readCookie(request.headers['cookie'], names.session);
    if (value === undefined) return ANONYMOUS;
    const at = now();
    const active = sessions.resolve(value, at);
    return active instanceof Promise ? active.then((a) => continueWith(a, at)).catch(storeDown) : continueWith(active, at);
  }

  /** A store that fails or stalls is answered here, 503 with Retry-After, and reported: not an app crash. */
  function storeDown(error: unknown): Outcome {
    if (!isThreadsAuthError(error) || error.code !== 'store_unavailable') throw error;
    ctx.report(error);
    return errorOutcome(error);
  }

  /** A failure a browser asked for as a page gets the HTML error page; everything else is unchanged. */
  const toPage = (outcome: Outcome): Outcome => (outcome.type === 'error' ? ctx.errorPage(outcome) : outcome);

  function answer(request: ThreadsAuthRequest, name: Route, queryString: string): Outcome | Promise<Outcome> {
    const routed = route(request, name, queryString);
    const outcome = routed instanceof Promise ? routed.catch(storeDown) : routed;
    if (!acceptsHtml(header(request.headers, 'accept'))) return outcome;
    return outcome instanceof Promise ? outcome.then(toPage) : toPage(outcome);
  }

  function route(request: ThreadsAuthRequest, name: Route, queryString: string): Outcome | Promise<Outcome> {
    const allowed: readonly string[] = ROUTES[name];
    if (!allowed.includes(request.method)) return methodNotAllowed(allowed.filter((m) => m !== 'HEAD').join(', '));
    const cookies = request.headers['cookie'];
    switch (name) {
      case 'login':
        return signIn.login(new URLSearchParams(queryString), readCookie(cookies, names.state));
      case 'callback':
        return signIn.callback(new URLSearchParams(queryString), readCookie(cookies, names.state));
      case 'logout':
        return signIn.logout({
          origin: header(request.headers, 'origin'),
          fetchSite: header(request.headers, 'sec-fetch-site'),
          session: readCookie(cookies, names.session),
        });
      case 'deauthorize':
        return metaCallbacks.deauthorize(request);
      case 'delete':
        return metaCallbacks.delete(request);
      case 'deletion-status':
        return metaCallbacks.deletionStatus(new URLSearchParams(queryString));
      default:
        return assertNever(name);
    }
  }

  return (request) => {
    try {
      const url = request.url;
      const q = url.indexOf('?');
      const pathEnd = q === -1 ? url.length : q;
      const name = routeOf(basePath, callbackPath, url, pathEnd);
      if (name === undefined) return app(request);
      return answer(request, name, q === -1 ? '' : url.slice(q + 1));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
