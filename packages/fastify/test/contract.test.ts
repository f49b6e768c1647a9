import { createServer, type RequestListener } from 'node:http';
import formbody from '@fastify/formbody';
import formbody7 from '@fastify/formbody7';
import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import Fastify from 'fastify';
import Fastify4 from 'fastify4';
import { isThreadsAuthError, requireThreadsToken, type ThreadsAuth, threadsAuth } from '../src/index.js';

// One suite over every supported major, each with its own @fastify/formbody for the body-parser variant. The apps
// below are compiled against Fastify 5's types; what a Fastify 4 user compiles against is proven by
// test/types.test.ts under tsconfig.fastify4.json.
const majors = {
  'Fastify 5': { createApp: Fastify, formParser: formbody },
  'Fastify 4': { createApp: Fastify4 as unknown as typeof Fastify, formParser: formbody7 as unknown as typeof formbody },
};

for (const [name, { createApp, formParser }] of Object.entries(majors)) {
  describeAdapterContract(name, async (auth, { bodyParser, parser, prefix = '', onError }) => {
    let listener: RequestListener | undefined;
    // serverFactory hands over Fastify's own request handler; the suite's server then calls it.
    const app = createApp({
      serverFactory: (handler) => {
        listener = handler;
        return createServer(handler);
      },
    });
    if (bodyParser && parser === undefined) await app.register(formParser);
    // `text` and `raw` take every content type; `json` is Fastify's own default parser, always there.
    if (bodyParser && parser === 'text') app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    if (bodyParser && parser === 'raw') app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    // The plugin covers the whole app (fastify-plugin); the app's routes live under the prefix.
    await app.register(threadsAuth, auth);
    app.get(`${prefix}/me`, (request) => contractMeBody(request.threadsToken));
    app.get(`${prefix}/protected`, { preHandler: requireThreadsToken() }, () => 'ok');
    app.get(`${prefix}/publish`, { preHandler: requireThreadsToken({ scopes: ['threads_content_publish'] }) }, () => 'published');
    app.get(`${prefix}/app-token`, async () => {
      await (auth as ThreadsAuth).getAppToken();
      return 'ok';
    });
    // Fastify's default handler would send `err.message`; an app answers a ThreadsAuthError with its safe message.
    app.setErrorHandler((error: Error, _request, reply) => {
      onError(error);
      reply.code((error as { statusCode?: number }).statusCode ?? 500).send(isThreadsAuthError(error) ? error.safeMessage : 'app error handler');
    });
    await app.ready();
    return { listener: listener!, close: () => app.close() };
  });
}
