/**
 * `@threads-auth/express`: sign users in with Meta's Threads API and keep a valid long-lived token on
 * `req.threadsToken`, in Express 4 and 5.
 *
 * @packageDocumentation
 */
import { checkThreadsToken, errorOutcome, toThreadsAuth, type Outcome, type ThreadsAuthInput, type ThreadsToken } from '@threads-auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export * from '@threads-auth/core';

declare global {
  // Express 4 and 5 both type their Request through this global namespace.
  namespace Express {
    interface Request {
      /** The signed-in user's valid Threads token, set by `threadsAuth()`; `undefined` when nobody is signed in. */
      threadsToken?: ThreadsToken;
    }
  }
}

function write(res: Response, outcome: Exclude<Outcome, { type: 'pass' }>): void {
  res.status(outcome.status).set(outcome.headers);
  for (const cookie of outcome.cookies) res.append('Set-Cookie', cookie.header);
  res.end(outcome.type === 'redirect' ? undefined : outcome.body);
}

/**
 * Mounts threads-auth: `GET {basePath}/login`, `/callback`, `POST /logout`, Meta's `POST /deauthorize` and
 * `/delete` callbacks and `GET /deletion-status`; on every other request sets `req.threadsToken` (refreshed
 * when due) and calls `next()`. Needs no body-parser, cookie-parser or session middleware.
 *
 * @param input - The options of `createThreadsAuth`, or an instance made by it (to share with jobs).
 * @returns An Express middleware; mount it with `app.use(...)` before your routes, then guard routes with
 *   {@link requireThreadsToken}. A token store that fails or stalls is answered with 503 and `Retry-After`; other unexpected failures (a bug in a custom store) go to `next(err)`.
 * @throws {ThreadsAuthOptionError} at startup, naming the missing or invalid option.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @example
 * ```ts
 * app.use(threadsAuth({ clientId, clientSecret, redirectUri, secret }));
 * app.get('/me', requireThreadsToken(), (req, res) => res.json({ userId: req.threadsToken?.userId }));
 * ```
 */
export function threadsAuth(input: ThreadsAuthInput): RequestHandler {
  const auth = toThreadsAuth(input);
  return (req: Request, res: Response, next: NextFunction) => {
    const outcome = auth.dispatch({ method: req.method, url: req.originalUrl ?? req.url, headers: req.headers, body: req, parsedBody: req.body });
    // Most requests (no session, or a session known in memory) are answered without a promise round.
    if ('type' in outcome) return deliver(outcome, req, res, next);
    outcome.then((settled) => deliver(settled, req, res, next)).catch(next);
  };
}

function deliver(outcome: Outcome, req: Request, res: Response, next: NextFunction): void {
  if (outcome.type !== 'pass') {
    write(res, outcome);
    return;
  }
  for (const cookie of outcome.cookies) res.append('Set-Cookie', cookie.header);
  req.threadsToken = outcome.token;
  next();
}

/** Options of {@link requireThreadsToken}. */
export interface RequireThreadsTokenOptions {
  /** The Threads permissions the route needs, e.g. `['threads_content_publish']`. */
  readonly scopes?: readonly string[];
}

/** A request that passed {@link requireThreadsToken}: `req.threadsToken` is there, no `!` needed. */
export type ThreadsRequest = Request & { threadsToken: ThreadsToken };

/** A route handler behind {@link requireThreadsToken}; it may be async (a rejection goes to `next(err)`). */
export type ThreadsTokenHandler = (req: ThreadsRequest, res: Response, next: NextFunction) => unknown;

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Guards a route: answers 401 (`unauthenticated`) without a signed-in user, 403 (`insufficient_scope`) when
 * the granted permissions lack one of `scopes`, else calls `next()` — or, given a `handler`, calls it with a
 * request whose `threadsToken` is typed as present. Mount after {@link threadsAuth}.
 *
 * @param options - `scopes`: the Threads permissions the route needs, e.g. `['threads_content_publish']`.
 * @param handler - The route handler, called only with a token; an async handler's rejection goes to
 *   `next(err)` (in Express 4 too).
 * @returns One Express handler.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @example
 * ```ts
 * app.post('/post', requireThreadsToken({ scopes: ['threads_content_publish'] }, async (req, res) => {
 *   res.json({ userId: req.threadsToken.userId }); // no `!`: the guard ran
 * }));
 * ```
 */
export function requireThreadsToken(options?: RequireThreadsTokenOptions): RequestHandler;
export function requireThreadsToken(handler: ThreadsTokenHandler): RequestHandler;
export function requireThreadsToken(options: RequireThreadsTokenOptions, handler: ThreadsTokenHandler): RequestHandler;
export function requireThreadsToken(first: RequireThreadsTokenOptions | ThreadsTokenHandler = {}, second?: ThreadsTokenHandler): RequestHandler {
  const handler = typeof first === 'function' ? first : second;
  const scopes = typeof first === 'function' ? undefined : first.scopes;
  return (req: Request, res: Response, next: NextFunction) => {
    const error = checkThreadsToken(req.threadsToken, scopes);
    if (error !== undefined) return write(res, errorOutcome(error));
    if (handler === undefined) return next();
    try {
      const result = handler(req as ThreadsRequest, res, next);
      if (isPromise(result)) result.then(undefined, next);
    } catch (caught) {
      next(caught);
    }
  };
}
