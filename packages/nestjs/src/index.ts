/**
 * `@threads-auth/nestjs`: sign users in with Meta's Threads API and keep a valid long-lived token on every
 * request of a NestJS application (platform-express or platform-fastify).
 *
 * - {@link ThreadsAuthModule}`.forRoot(options)` / `.forRootAsync({ imports, inject, useFactory })` mounts the
 *   routes and sets `req.threadsToken` on every request (global by default).
 * - `@ThreadsToken()` puts the token (or `undefined`) in a handler parameter.
 * - {@link ThreadsAuthGuard} answers 401 without a token and 403 without the scopes of
 *   `@RequireThreadsScopes(...)`.
 * - {@link ThreadsAuthService} is the configured core instance, for services and jobs: `getToken(userId)`,
 *   `refreshDue()`, `revoke(userId)`, `inspect(token)`, `getAppToken()`.
 *
 * Core's public types and errors are re-exported, so one import serves.
 *
 * @packageDocumentation
 */
export {
  RequireThreadsScopes,
  THREADS_SCOPES_METADATA,
  ThreadsAuthException,
  ThreadsAuthExceptionFilter,
  ThreadsAuthGuard,
} from './threads-auth.guard.js';
export { ThreadsAuthModule } from './threads-auth.module.js';
export {
  THREADS_AUTH_MODULE_OPTIONS,
  type ThreadsAuthModuleAsyncOptions,
  type ThreadsAuthModuleExtras,
  type ThreadsAuthModuleOptions,
  type ThreadsAuthOptionsFactory,
} from './threads-auth.module-definition.js';
export { ThreadsAuthService } from './threads-auth.service.js';
// Shadows core's `ThreadsToken` type with the decorator plus the same type under one name.
export { ThreadsToken } from './threads-token.decorator.js';

export * from '@threads-auth/core';
