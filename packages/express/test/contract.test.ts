import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import express, { type NextFunction, type Request, type Response } from 'express';
import { requireThreadsToken, threadsAuth } from '../src/index.js';

describeAdapterContract('Express 5', (auth, { bodyParser, onError }) => {
  const app = express();
  if (bodyParser) app.use(express.urlencoded({ extended: false }));
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
