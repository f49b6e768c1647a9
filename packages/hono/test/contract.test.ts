import { getRequestListener } from '@hono/node-server';
import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import { Hono } from 'hono';
import { isThreadsAuthError, requireThreadsToken, type ThreadsAuth, threadsAuth } from '../src/index.js';

// Hono on Node, through @hono/node-server as a Hono app on Node is served. The body-parser variant has no Hono
// counterpart (Hono parses bodies on demand, in the handler), so both variants run the same app.
describeAdapterContract('Hono 4 on Node', (auth, { prefix = '', onError }) => {
  const app = new Hono();
  app.use(threadsAuth(auth));
  app.get(`${prefix}/me`, (c) => c.json(contractMeBody(c.get('threadsToken'))));
  app.get(`${prefix}/protected`, requireThreadsToken(), (c) => c.text('ok'));
  app.get(`${prefix}/publish`, requireThreadsToken({ scopes: ['threads_content_publish'] }), (c) => c.text('published'));
  app.get(`${prefix}/app-token`, async (c) => {
    await (auth as ThreadsAuth).getAppToken();
    return c.text('ok');
  });
  app.onError((error, c) => {
    onError(error);
    // Hono's default answer is "Internal Server Error"; a ThreadsAuthError keeps its status.
    return c.text('Internal Server Error', isThreadsAuthError(error) ? (error.status as 500) : 500);
  });
  return getRequestListener(app.fetch);
});
