/** requireThreadsToken's handler form, on a real listening server, in Express 4 and 5. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { requireThreadsToken, type ThreadsToken } from '../src/index.js';

const TOKEN: ThreadsToken = Object.freeze({ accessToken: 'THtoken', userId: '17841405793187219', scopes: ['threads_basic'], issuedAt: new Date(0), expiresAt: new Date(1e13) });
const majors = { 'Express 5': express, 'Express 4': express4 as unknown as typeof express };

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function serve(app: express.Express): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

for (const [name, createApp] of Object.entries(majors)) {
  describe(`requireThreadsToken(options, handler) on ${name}`, () => {
    const app = (signedIn: boolean, handler: Parameters<typeof requireThreadsToken>[1] & {}) => {
      const a = createApp();
      a.use((req, _res, next) => {
        if (signedIn) req.threadsToken = TOKEN;
        next();
      });
      a.get('/route', requireThreadsToken({ scopes: ['threads_basic'] }, handler));
      a.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
        res.status(500).send(`caught ${error.message}`);
      });
      return a;
    };

    it('calls the handler with the token', async () => {
      const origin = await serve(app(true, (req, res) => res.send(req.threadsToken.userId)));
      const response = await fetch(`${origin}/route`);
      expect(await response.text()).toBe(TOKEN.userId);
    });
    it('answers 401 without calling the handler', async () => {
      let called = false;
      const origin = await serve(app(false, () => {
        called = true;
      }));
      const response = await fetch(`${origin}/route`);
      expect(response.status).toBe(401);
      expect(called).toBe(false);
    });
    it("hands an async handler's rejection to next(err) instead of hanging", async () => {
      const origin = await serve(app(true, async () => {
        throw new Error('boom');
      }));
      const response = await fetch(`${origin}/route`, { signal: AbortSignal.timeout(2_000) });
      expect(response.status).toBe(500);
      expect(await response.text()).toBe('caught boom');
    });
  });
}
