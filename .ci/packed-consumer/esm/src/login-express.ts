/** ESM consumer, Express 5: mount the packed adapter on port 0 against the packed fake, sign in, see the token. */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { requireThreadsToken, threadsAuth, type ThreadsToken } from '@threads-auth/express';
import { startFakeThreads } from '@threads-auth/testing';
import express from 'express';
import { assertSignedIn, signIn } from './sign-in.js';

const fake = await startFakeThreads();
const app = express();
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
try {
  app.use(
    threadsAuth({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      redirectUri: `${origin}/auth/threads/callback`,
      authorizationUrl: fake.authorizationUrl,
      graphUrl: fake.url,
      secret: randomBytes(32).toString('base64url'),
    }),
  );
  app.get('/me', requireThreadsToken(), (req, res) => {
    // req.threadsToken is typed by the adapter's augmentation of Express.Request.
    const token: ThreadsToken = req.threadsToken!;
    res.json({ userId: token.userId, accessToken: token.accessToken });
  });
  const me = await signIn(origin, fake);
  assertSignedIn(me);
  const { version } = createRequire(import.meta.url)('express/package.json') as { version: string };
  console.log(`esm, express@${version}: signed in as ${me.userId}, token on req.threadsToken`);
} finally {
  server.close();
  await fake.close();
}
