/**
 * `@ThreadsToken()`: the request's Threads token as a route handler parameter.
 *
 * @module
 */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ThreadsToken as Token } from '@threads-auth/core';
import type { Request } from 'express';

/**
 * Injects the signed-in user's Threads token (`req.threadsToken`, set by the module's middleware on every
 * route, refreshed first when due) into a route handler parameter: a {@link ThreadsToken}, or `undefined`
 * when the request has no valid session. Pair it with `@UseGuards(ThreadsAuthGuard)` to refuse anonymous
 * requests instead.
 *
 * @returns A parameter decorator; takes no arguments.
 * @example
 * ```ts
 * @Get('me')
 * me(@ThreadsToken() token: ThreadsToken | undefined) {
 *   return { userId: token?.userId ?? null };
 * }
 * ```
 */
export const ThreadsToken: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Token | undefined => context.switchToHttp().getRequest<Request>().threadsToken,
);

/**
 * A user's Threads token, as `@ThreadsToken()` and `ThreadsAuthService.getToken(userId)` give it: core's
 * `ThreadsToken` (`accessToken`, `userId`, `scopes`, `issuedAt`, `expiresAt`). One import serves as both
 * the decorator and the parameter's type.
 */
export type ThreadsToken = Token;
