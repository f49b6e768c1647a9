/**
 * `ThreadsAuthGuard` and `@RequireThreadsScopes(...)`: refuse requests without a Threads token, or
 * without the permissions a route needs; `ThreadsAuthException` and its filter answer the refusal.
 *
 * @module
 */
import {
  type ArgumentsHost,
  type CanActivate,
  Catch,
  type ExceptionFilter,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { checkThreadsToken, errorOutcome, type ThreadsAuthError } from '@threads-auth/core';
import type { Request } from 'express';

/** The metadata key `@RequireThreadsScopes(...)` sets and `ThreadsAuthGuard` reads. */
export const THREADS_SCOPES_METADATA = 'threads-auth:scopes';

/**
 * Declares the Threads permissions a route (or every route of a controller) needs, e.g.
 * `threads_content_publish`. Enforced by {@link ThreadsAuthGuard}, which must guard the route too; a method's
 * scopes replace its controller's.
 *
 * @param scopes - Permission names the user must have granted; `threads_basic` is always granted.
 * @returns A method and class decorator.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 * @example
 * ```ts
 * @Post('posts')
 * @UseGuards(ThreadsAuthGuard)
 * @RequireThreadsScopes('threads_content_publish')
 * publish(@ThreadsToken() token: ThreadsToken) { ... }
 * ```
 */
export function RequireThreadsScopes(...scopes: string[]): MethodDecorator & ClassDecorator {
  return SetMetadata(THREADS_SCOPES_METADATA, Object.freeze([...scopes]));
}

/**
 * What {@link ThreadsAuthGuard} throws: a Nest `HttpException` whose status is the error's (401
 * `unauthenticated`, 403 `insufficient_scope`) and whose response is its safe message. The
 * {@link ThreadsAuthError} is `error` (and `cause`), for your own exception filters.
 */
export class ThreadsAuthException extends HttpException {
  /**
   * @param error - The refusal, as `checkThreadsToken` returned it.
   */
  constructor(readonly error: ThreadsAuthError) {
    super(error.safeMessage, error.status, { cause: error });
  }
}

/**
 * Answers a {@link ThreadsAuthException} the way every threads-auth adapter answers a refusal: its status,
 * `text/plain` with the safe message, `cache-control: no-store`. `ThreadsAuthModule` registers it as a global
 * filter; a global filter of yours that catches `HttpException` (or everything) takes precedence.
 */
@Catch(ThreadsAuthException)
export class ThreadsAuthExceptionFilter implements ExceptionFilter<ThreadsAuthException> {
  // Written through Nest's HTTP adapter, so the same filter answers on Express and on Fastify.
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  /** Writes the refusal. */
  catch(exception: ThreadsAuthException, host: ArgumentsHost): void {
    const outcome = errorOutcome(exception.error);
    const adapter = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    for (const [name, value] of Object.entries(outcome.headers)) adapter.setHeader(response, name, value);
    adapter.reply(response, outcome.body, outcome.status);
  }
}

/**
 * Lets a request through only with a Threads token (`req.threadsToken`) carrying every scope that
 * `@RequireThreadsScopes(...)` names. Use it with `@UseGuards(ThreadsAuthGuard)` in any module: it needs only
 * `Reflector`, and `ThreadsAuthModule` (global by default) sets the token on every request.
 *
 * @throws {ThreadsAuthException} 401 (`unauthenticated`) without a token; 403 (`insufficient_scope`) when a
 *   scope is missing. Answered as `text/plain` with the safe message by {@link ThreadsAuthExceptionFilter}.
 * @see https://developers.facebook.com/docs/threads/get-started/get-access-tokens-and-permissions
 */
@Injectable()
export class ThreadsAuthGuard implements CanActivate {
  // An explicit token: the guard then resolves even where a build dropped decorator metadata.
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  /** Checks the request's token against the route's scopes. @throws {ThreadsAuthException} 401 or 403. */
  canActivate(context: ExecutionContext): boolean {
    const scopes = this.reflector.getAllAndOverride<readonly string[] | undefined>(THREADS_SCOPES_METADATA, [context.getHandler(), context.getClass()]);
    const error = checkThreadsToken(context.switchToHttp().getRequest<Request>().threadsToken, scopes);
    if (error !== undefined) throw new ThreadsAuthException(error);
    return true;
  }
}
