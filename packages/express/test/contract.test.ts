import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import express, { type NextFunction, type Request, type Response } from 'express';
import express4 from 'express4';
import { requireThreadsToken, threadsAuth, toThreadsAuth } from '../src/index.js';

// One suite over every supported major. The apps below are compiled against Express 5's types; what an
// Express 4 user compiles against is proven by test/types.test.ts under tsconfig.express4.json.
const majors = { 'Express 5': express, 'Express 4': express4 as unknown as typeof express };

for (const [name, createApp] of Object.entries(majors)) {
  describeAdapterContract(name, (auth, { bodyParser, parser, prefix = '', onError }) => {
    const app = createApp();
    // The final handler then answers as it does in production (status text only; in development it prints the
    // stack of any error, ours included).
    app.set('env', 'production');
    const instance = toThreadsAuth(auth);
    if (bodyParser) {
      const parsers = {
        text: () => createApp.text({ type: '*/*' }),
        raw: () => createApp.raw({ type: '*/*' }),
        json: () => createApp.json(),
      };
      app.use(parser === undefined ? createApp.urlencoded({ extended: false }) : parsers[parser]());
    }
    if (prefix === '') app.use(threadsAuth(instance));
    else app.use(prefix, threadsAuth(instance));
    app.get(`${prefix}/me`, (req, res) => {
      res.json(contractMeBody(req.threadsToken));
    });
    app.get(`${prefix}/protected`, requireThreadsToken(), (_req, res) => {
      res.send('ok');
    });
    app.get(
      `${prefix}/publish`,
      requireThreadsToken({ scopes: ['threads_content_publish'] }, async (req, res) => {
        res.send(req.threadsToken.scopes.includes('threads_content_publish') ? 'published' : 'unreachable');
      }),
    );
    app.get(`${prefix}/app-token`, (_req, res, next) => {
      instance.getAppToken().then(() => res.send('ok'), next);
    });
    // The app's error channel: every error reaches onError, then Express's default answer.
    app.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
      onError(error);
      next(error);
    });
    return app;
  });
}
