// The app measured by instructions.mjs: bare Express, or Express + threadsAuth with a real sealed session
// (logged in through core's own handle(), upstream answered by a stub fetch). Serves `total` requests, then exits.
import { renameSync, writeFileSync } from 'node:fs';
import { createThreadsAuth, threadsAuth } from '@threads-auth/express';
import express from 'express';

const [variant, total, readyFile] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const json = (body) => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
const fetch = async (input) => {
  const { pathname } = new URL(String(input));
  if (pathname === '/oauth/access_token') return json('{"access_token":"THshortlivedtoken0123456789","user_id":17841405793187219}');
  if (pathname === '/access_token') return json({ access_token: `TH${'L'.repeat(180)}`, token_type: 'bearer', expires_in: 5183944 });
  return json({ data: { is_valid: true, user_id: '17841405793187219', scopes: ['threads_basic', 'threads_content_publish'] } });
};
const auth = createThreadsAuth({ clientId: '1', clientSecret: 's', redirectUri: 'http://127.0.0.1:1/auth/threads/callback', secret: 'x'.repeat(32), fetch });
const start = await auth.handle({ method: 'GET', url: '/auth/threads/login', headers: {} });
const state = new URL(start.location).searchParams.get('state');
const done = await auth.handle({ method: 'GET', url: `/auth/threads/callback?code=c&state=${state}`, headers: { cookie: `${start.cookies[0].name}=${start.cookies[0].value}` } });
const session = done.cookies.find((c) => c.maxAge > 0);

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
if (variant === 'threads') app.use(threadsAuth(auth));
app.get('/hello', (_req, res) => res.send('hello'));
let served = 0;
const server = app.listen(0, '127.0.0.1', () => {
  // Every variant receives the same Cookie header: a logged-in browser's, with an analytics cookie beside ours.
  // Written aside, then renamed: the driver never reads a half-written file.
  writeFileSync(`${readyFile}.tmp`, JSON.stringify({ port: server.address().port, cookie: `_ga=GA1.1.1234567890.1700000000; ${session.name}=${session.value}` }));
  renameSync(`${readyFile}.tmp`, readyFile);
});
server.on('request', (_req, res) =>
  res.on('finish', () => {
    if (++served >= total) setImmediate(() => process.exit(0));
  }),
);
