/**
 * CommonJS consumer (`"type": "commonjs"`, compiled to require()), Express 4: mount the packed adapter on port 0
 * against the packed fake, sign in, see the token.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { requireThreadsToken, threadsAuth, type ThreadsToken } from '@threads-auth/express';
import { startFakeThreads } from '@threads-auth/testing';
import express from 'express';
import { assertSignedIn, signIn } from './sign-in';

async function main(): Promise<void> {
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
      const token: ThreadsToken = req.threadsToken!;
      res.json({ userId: token.userId, accessToken: token.accessToken });
    });
    const me = await signIn(origin, fake);
    assertSignedIn(me);
    // Proves this file really ran as CommonJS, loading the adapter's require() build.
    const loaded = Object.keys(require.cache).find((file) => /@threads-auth[\\/]express[\\/]dist[\\/]index\.cjs$/.test(file));
    if (loaded === undefined) throw new Error('the CJS consumer did not load @threads-auth/express/dist/index.cjs');
    const { version } = require('express/package.json') as { version: string };
    console.log(`cjs, express@${version}: signed in as ${me.userId}, token on req.threadsToken`);
  } finally {
    server.close();
    await fake.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
