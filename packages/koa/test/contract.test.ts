import { bodyParser as formParser } from '@koa/bodyparser';
import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import Koa from 'koa';
import Koa2 from 'koa2';
import { requireThreadsToken, threadsAuth, toThreadsAuth } from '../src/index.js';

// One suite over every supported major. The apps below are compiled against Koa 3's types; what a Koa 2 user
// compiles against is proven by test/types.test.ts under tsconfig.koa2.json.
const majors = { 'Koa 3': Koa, 'Koa 2': Koa2 as unknown as typeof Koa };

for (const [name, KoaApp] of Object.entries(majors)) {
  describeAdapterContract(name, (auth, { bodyParser, parser, prefix = '', onError }) => {
  const app = new KoaApp();
  app.on('error', onError);
  if (bodyParser) {
    // @koa/bodyparser with text enabled: a form then arrives as a string (what the issue tried).
    const options = parser === 'json' ? { enableTypes: ['json'] } : parser !== undefined ? { enableTypes: ['text'], extendTypes: { text: ['application/x-www-form-urlencoded'] } } : {};
    app.use(formParser(options as Parameters<typeof formParser>[0]));
  }
  const instance = toThreadsAuth(auth);
  app.use(threadsAuth(instance));
  app.use(async (ctx, next) => {
    switch (prefix !== '' && ctx.path.startsWith(prefix) ? ctx.path.slice(prefix.length) : ctx.path) {
      case '/me':
        ctx.body = contractMeBody(ctx.state.threadsToken);
        return;
      case '/protected':
        return requireThreadsToken()(ctx, async () => {
          ctx.body = 'ok';
        });
      case '/publish':
        return requireThreadsToken({ scopes: ['threads_content_publish'] }, (guarded) => {
          guarded.body = guarded.state.threadsToken.scopes.includes('threads_content_publish') ? 'published' : 'unreachable';
        })(ctx, next);
      case '/app-token':
        // A rejection is Koa's to answer (ctx.onerror) and to emit as 'error'.
        await instance.getAppToken();
        ctx.body = 'ok';
        return;
      default:
        return next();
    }
  });
  return app.callback();
});
}
