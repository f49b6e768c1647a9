import { createServer, type RequestListener } from 'node:http';
import formbody from '@fastify/formbody7';
import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import Fastify from 'fastify4';
import { requireThreadsToken, threadsAuth } from '../src/index.js';

// Type-checked by tsconfig.fastify4.json, where `fastify` resolves to Fastify 4's own types: what a Fastify 4 user
// compiles against.
describeAdapterContract('Fastify 4', async (auth, { bodyParser, onError }) => {
  let listener: RequestListener | undefined;
  // serverFactory hands over Fastify's own request handler; the suite's server then calls it.
  const app = Fastify({
    serverFactory: (handler) => {
      listener = handler;
      return createServer(handler);
    },
  });
  if (bodyParser) await app.register(formbody);
  await app.register(threadsAuth, auth);
  app.get('/me', (request) => contractMeBody(request.threadsToken));
  app.get('/protected', { preHandler: requireThreadsToken() }, () => 'ok');
  app.get('/publish', { preHandler: requireThreadsToken({ scopes: ['threads_content_publish'] }) }, () => 'published');
  app.setErrorHandler((error: Error, _request, reply) => {
    onError(error);
    reply.code((error as { statusCode?: number }).statusCode ?? 500).send('app error handler');
  });
  await app.ready();
  return { listener: listener!, close: () => app.close() };
});
