/**
 * `@threads-auth/testing`: a local fake of Meta's Threads OAuth and Graph endpoints over real HTTP, with
 * Meta's real response and error shapes, failure injection and a fake clock. For threads-auth's own tests,
 * its demos, and your tests.
 *
 * ```ts
 * const threads = await startFakeThreads();
 * // point the app at threads.authorizationUrl / threads.url with threads.clientId / threads.clientSecret
 * const callback = await threads.approve(authorizeUrlTheAppRedirectedTo);
 * await threads.close();
 * ```
 *
 * @module
 */

export type { FakeFailure } from './failures.js';
export { startFaultProxy, type FaultMode, type FaultProxy, type FaultProxyOptions } from './fault-proxy.js';
export type { FakeThreadsOptions, FakeUser } from './options.js';
export type { FakeEndpoint } from './routes.js';
export type { FakeCall, FakeThreads, IssuedToken } from './server.js';
export { startFakeThreads } from './server.js';
