/**
 * `@threads-auth/core`: sign users in with Meta's Threads API and keep a valid long-lived token, in any
 * Node framework. Adapters: `@threads-auth/express`, `@threads-auth/koa`, `@threads-auth/nestjs`.
 *
 * @packageDocumentation
 */
export { createThreadsAuth, isThreadsAuth, toThreadsAuth, checkThreadsToken, type ThreadsAuth, type ThreadsAuthInput } from './auth.js';
export type { AdoptedToken, AdoptToken, AdoptTokenInput } from './adopt.js';
export { buildAuthorizationUrl, pkceChallenge, type AuthorizationRequest } from './authorize.js';
export { createThreadsClient, type ThreadsClient } from './client.js';
export type { SetCookie } from './cookies.js';
export { ERROR_TABLE, THREADS_AUTH_ERROR_CODES, type ErrorTableEntry, type ThreadsAuthErrorCode, type ThreadsAuthFault } from './error-codes.js';
export {
  ThreadsAuthError,
  ThreadsAuthOptionError,
  isThreadsAuthError,
  type MetaErrorDetails,
  type OptionProblem,
  type ThreadsAuthErrorOptions,
  type ThreadsStep,
} from './errors.js';
export { exchangeCode, exchangeForLongLivedToken, type CodeExchangeChecks, type LongLivedToken, type ShortLivedToken } from './exchange.js';
export { FORM_BODY_LIMIT, readRequestBody, type RequestBodyStream } from './form-body.js';
export { fetchAppToken, introspectToken, type TokenIntrospection } from './introspect.js';
export type { ErrorPageContext, RevocationReason, ThreadsAuthLogger, ThreadsAuthOptions, ThreadsClientOptions, TokenRevokedEvent } from './options.js';
export {
  errorOutcome,
  type ErrorOutcome,
  type Outcome,
  type OutcomeHeaders,
  type PassOutcome,
  type RedirectOutcome,
  type RespondOutcome,
} from './outcome.js';
export { refreshLongLivedToken } from './refresh.js';
export type { ThreadsAuthRequest } from './router.js';
export { verifySignedRequest, type SignedRequestPayload } from './signed-request.js';
export { MemoryTokenStore, type MemoryTokenStoreOptions } from './memory-store.js';
export type { DueQuery, ReleaseLock, StoredSession, StoredToken, TokenStore } from './store.js';
export { DEFAULT_AUTHORIZATION_URL, DEFAULT_GRAPH_URL, GRAPH_API_VERSION, THREADS_SCOPES, redactUrl } from './threads.js';
export { RATE_LIMIT_CODES, isRateLimitMetaError } from './threads-errors.js';
export type { ThreadsToken } from './token.js';
export { refreshOffset } from './upkeep.js';
export type {
  RefreshDueResult,
  StartUpkeepOptions,
  UpkeepFailure,
  UpkeepOptions,
  UpkeepProgress,
  UpkeepReport,
  UpkeepRunner,
} from './upkeep-options.js';
export type { FetchLike } from './upstream.js';
