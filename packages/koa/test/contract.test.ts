import { bodyParser } from '@koa/bodyparser';
import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import Koa from 'koa';
import { requireThreadsToken, threadsAuth } from '../src/index.js';

describeAdapterContract('Koa 3', (auth, variant) => {
  const app = new Koa();
  if (variant.bodyParser) app.use(bodyParser());
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
