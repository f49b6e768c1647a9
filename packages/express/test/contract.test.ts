import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import express from 'express';
import { requireThreadsToken, threadsAuth } from '../src/index.js';

describeAdapterContract('Express 5', (auth, variant) => {
  const app = express();
  if (variant.bodyParser) app.use(express.urlencoded({ extended: false }));
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
  return app;
});
