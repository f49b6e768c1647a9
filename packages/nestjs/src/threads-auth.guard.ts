/**
 * `ThreadsAuthGuard` and `@RequireThreadsScopes(...)`: refuse requests without a Threads token, or
 * without the permissions a route needs.
 *
 * @module
 */
import { type CanActivate, type ExecutionContext, HttpException, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { checkThreadsToken } from '@threads-auth/core';
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
 * @see https://developers.facebook.com/docs/threads/get-started#permissions
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
 * Lets a request through only with a Threads token (`req.threadsToken`) carrying every scope that
 * `@RequireThreadsScopes(...)` names. Use it with `@UseGuards(ThreadsAuthGuard)` in any module: it needs only
 * `Reflector`, and `ThreadsAuthModule` (global by default) sets the token on every request.
 *
 * @throws {HttpException} 401 with core's safe message (`unauthenticated`) without a token; 403
 *   (`insufficient_scope`) when a scope is missing. The response body is Nest's
 *   `{ statusCode, message }` with that message; the {@link ThreadsAuthError} is the exception's `cause`.
 */
@Injectable()
export class ThreadsAuthGuard implements CanActivate {
  // An explicit token: the guard then resolves even where a build dropped decorator metadata.
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  /** Checks the request's token against the route's scopes. @throws {HttpException} 401 or 403. */
  canActivate(context: ExecutionContext): boolean {
    const scopes = this.reflector.getAllAndOverride<readonly string[] | undefined>(THREADS_SCOPES_METADATA, [context.getHandler(), context.getClass()]);
    const error = checkThreadsToken(context.switchToHttp().getRequest<Request>().threadsToken, scopes);
    if (error !== undefined) throw new HttpException(error.safeMessage, error.status, { cause: error });
    return true;
  }
}
