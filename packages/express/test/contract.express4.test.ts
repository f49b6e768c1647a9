import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import express4, { type NextFunction, type Request, type Response } from 'express4';
import { requireThreadsToken, threadsAuth } from '../src/index.js';

// Type-checked by tsconfig.express4.json, where `express` resolves to @types/express 4: what an Express 4
// user compiles against.
describeAdapterContract('Express 4', (auth, { bodyParser, onError }) => {
  const app = express4();
  if (bodyParser) app.use(express4.urlencoded({ extended: false }));
  app.use(threadsAuth(auth));
  app.get('/me', (req, res) => {
    res.json(contractMeBody(req.threadsToken));
  });
  app.get('/protected', requireThreadsToken(), (_req, res) => {
    res.send('ok');
  });
  app.get('/publish', requireThreadsToken({ scopes: ['threads_content_publish'] }), (_req, res) => {
    res.send('published');
  });
  app.use((error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    onError(error);
    res.status(error.status ?? 500).send('app error handler');
  });
  return app;
});
