/**
 * The injection token for the configured threads-auth instance.
 *
 * @module
 */
import type { ThreadsAuth } from '@threads-auth/core';

/**
 * The configured threads-auth instance, injectable anywhere once `ThreadsAuthModule.forRoot(...)` (or
 * `forRootAsync`) is imported: the same frozen object `createThreadsAuth` returns, with `getToken(userId)`,
 * `refreshDue()`, `revoke(userId)`, `inspect(accessToken)` and `getAppToken()`.
 *
 * The class is only the injection token (never instantiated: what Nest injects is core's {@link ThreadsAuth},
 * so use `isThreadsAuth(value)` rather than `instanceof`), so
 * `constructor(private readonly threads: ThreadsAuthService)` needs no `@Inject(...)`, and it also
 * resolves in a standalone application context (`NestFactory.createApplicationContext`) for jobs.
 *
 * @example
 * ```ts
 * @Injectable()
 * export class PublishService {
 *   constructor(private readonly threads: ThreadsAuthService) {}
 *
 *   async accessTokenFor(userId: string): Promise<string | undefined> {
 *     const token = await this.threads.getToken(userId); // refreshed first when due; needs a `store`
 *     return token?.accessToken;
 *   }
 * }
 * ```
 * @see https://developers.facebook.com/docs/threads/get-started/long-lived-tokens
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the class is only the DI token and is never instantiated; the interface is what it resolves to.
export abstract class ThreadsAuthService {}

/** The members of {@link ThreadsAuthService}: exactly core's {@link ThreadsAuth}. */
export interface ThreadsAuthService extends ThreadsAuth {}
