/**
 * The shared adapter contract on the Web-standard entry alone: a plain `(request: Request) => Response` handler,
 * the way a Bun.serve, Deno.serve or Next.js route handler app uses it, served over real HTTP on Node through
 * @hono/node-server's Fetch-to-Node bridge (which knows nothing of threads-auth).
 */
import { getRequestListener } from '@hono/node-server';
import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import { type ThreadsAuth, checkThreadsToken, createThreadsAuthHandler, errorOutcome, isThreadsAuthError, toResponse } from '../src/index.js';

// `parser` has no counterpart: a Fetch API handler reads the body itself, so only the raw variant exists.
describeAdapterContract('Web-standard handler', (auth, { prefix = '', onError }) => {
  const { handler, getThreadsToken } = createThreadsAuthHandler(auth);
  const app = async (request: Request): Promise<Response> => {
    const answered = await handler(request);
    if (answered !== undefined) return answered;
    const { token, setCookie } = await getThreadsToken(request);
    const guard = (scopes?: string[]) => {
      const error = checkThreadsToken(token, scopes);
      return error === undefined ? undefined : toResponse(errorOutcome(error));
    };
    let response: Response;
    const path = new URL(request.url).pathname;
    switch (prefix !== '' && path.startsWith(prefix) ? path.slice(prefix.length) : path) {
      case '/me':
        response = Response.json(contractMeBody(token));
        break;
      case '/protected':
        response = guard() ?? new Response('ok');
        break;
      case '/publish':
        response = guard(['threads_content_publish']) ?? new Response('published');
        break;
      case '/app-token':
        try {
          await (auth as ThreadsAuth).getAppToken();
          response = new Response('ok');
        } catch (error) {
          // The app's own error channel, answering as a Fetch server's default does.
          onError(error);
          response = new Response('Internal Server Error', { status: isThreadsAuthError(error) ? error.status : 500 });
        }
        break;
      default:
        response = new Response('Not found', { status: 404 });
    }
    for (const line of setCookie) response.headers.append('set-cookie', line);
    return response;
  };
  // The app's error channel: every unexpected failure reaches onError, then a 500.
  return getRequestListener(async (request) => {
    try {
      return await app(request);
    } catch (error) {
      // getThreadsToken's documented refusal (a store that is down): answered as threads-auth answers it.
      if (isThreadsAuthError(error)) return toResponse(errorOutcome(error));
      onError(error);
      return new Response('app error handler', { status: 500 });
    }
  });
});
