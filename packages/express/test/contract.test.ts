import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import express, { type NextFunction, type Request, type Response } from 'express';
import express4 from 'express4';
import { requireThreadsToken, threadsAuth } from '../src/index.js';

// One suite over every supported major. The apps below are compiled against Express 5's types; what an
// Express 4 user compiles against is proven by test/types.test.ts under tsconfig.express4.json.
const majors = { 'Express 5': express, 'Express 4': express4 as unknown as typeof express };

for (const [name, createApp] of Object.entries(majors)) {
  describeAdapterContract(name, (auth, { bodyParser, parser, prefix = '', onError }) => {
    const app = createApp();
    if (bodyParser) {
      const parsers = {
        text: () => createApp.text({ type: '*/*' }),
        raw: () => createApp.raw({ type: '*/*' }),
        json: () => createApp.json(),
      };
      app.use(parser === undefined ? createApp.urlencoded({ extended: false }) : parsers[parser]());
    }
    if (prefix === '') app.use(threadsAuth(auth));
    else app.use(prefix, threadsAuth(auth));
    app.get(`${prefix}/me`, (req, res) => {
      res.json(contractMeBody(req.threadsToken));
    });
    app.get(`${prefix}/protected`, requireThreadsToken(), (_req, res) => {
      res.send('ok');
    });
    app.get(`${prefix}/publish`, requireThreadsToken({ scopes: ['threads_content_publish'] }), (_req, res) => {
      res.send('published');
    });
    app.use((error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      onError(error);
      res.status(error.status ?? 500).send('app error handler');
    });
    return app;
  });
}
