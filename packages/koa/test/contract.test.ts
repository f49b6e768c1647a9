import { bodyParser as formParser } from '@koa/bodyparser';
import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import Koa from 'koa';
import { requireThreadsToken, threadsAuth } from '../src/index.js';

describeAdapterContract('Koa 3', (auth, { bodyParser, onError }) => {
  const app = new Koa();
  app.on('error', onError);
  if (bodyParser) app.use(formParser());
  app.use(threadsAuth(auth));
  app.use(async (ctx, next) => {
    switch (ctx.path) {
      case '/me':
        ctx.body = contractMeBody(ctx.state.threadsToken);
        return;
      case '/protected':
        return requireThreadsToken()(ctx, async () => {
          ctx.body = 'ok';
        });
      case '/publish':
        return requireThreadsToken({ scopes: ['threads_content_publish'] })(ctx, async () => {
          ctx.body = 'published';
        });
      default:
        return next();
    }
  });
  return app.callback();
});
