/**
 * The app's one threads-auth instance, shared by the route handler and every place that reads the token.
 * Created on first use, not at import: `next build` imports route modules without the runtime environment.
 */
import { createThreadsAuthHandler, type ThreadsAuthHandler } from '@threads-auth/web';

let instance: ThreadsAuthHandler | undefined;

/** The configured handler; throws a `ThreadsAuthOptionError` naming the first missing variable's option. */
export function threadsAuth(): ThreadsAuthHandler {
  instance ??= createThreadsAuthHandler({
    clientId: process.env['THREADS_APP_ID'] ?? '',
    clientSecret: process.env['THREADS_APP_SECRET'] ?? '',
    redirectUri: process.env['THREADS_REDIRECT_URI'] ?? '',
    secret: process.env['SESSION_SECRET'] ?? '',
    scopes: ['threads_content_publish'],
    // Unset in production (Meta's hosts); the e2e test points them at the local fake Threads.
    ...(process.env['THREADS_AUTHORIZATION_URL'] ? { authorizationUrl: process.env['THREADS_AUTHORIZATION_URL'] } : {}),
    ...(process.env['THREADS_GRAPH_URL'] ? { graphUrl: process.env['THREADS_GRAPH_URL'] } : {}),
  });
  return instance;
}
