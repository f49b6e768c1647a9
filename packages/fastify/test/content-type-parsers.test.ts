/**
 * Meta's deauthorize and delete callbacks are form posts. The plugin reads them in `onRequest`, before Fastify
 * picks a content-type parser, so they work whatever parsers the app registered: none for forms (Fastify's
 * default answers such a body with 415), or one that would fail on Meta's body.
 */
import { startFakeThreads } from '@threads-auth/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import Fastify4 from 'fastify4';
import { afterEach, describe, expect, it } from 'vitest';
import { threadsAuth } from '../src/index.js';

const USER_ID = '17841405793187219';
const running: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((item) => item.close()));
});

const parserSetups = {
  'no form parser at all': () => {},
  'a form parser that throws': (app: FastifyInstance) => {
    app.addContentTypeParser('application/x-www-form-urlencoded', (_request: unknown, _payload: unknown, done: (error: Error | null, body?: unknown) => void) => done(new Error('this parser must not run')));
  },
  'only a JSON parser, every other parser removed': (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request: unknown, body: string | Buffer, done: (error: Error | null, body?: unknown) => void) => done(null, JSON.parse(String(body))));
  },
};

describe.each([
  ['Fastify 5', Fastify],
  ['Fastify 4', Fastify4 as unknown as typeof Fastify],
])('%s: Meta callbacks whatever content-type parsers the app registered', (_name, create) => {
  it.each(Object.entries(parserSetups))('with %s', async (_setup, setup) => {
    const fake = await startFakeThreads();
    running.push(fake);
    const app = create();
    running.push(app);
    setup(app);
    await app.register(threadsAuth, {
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      redirectUri: 'http://127.0.0.1/auth/threads/callback',
      secret: 'content-type-parsers-secret-0123456789abcdef',
      authorizationUrl: fake.authorizationUrl,
      graphUrl: fake.url,
    });
    app.post('/other-form', () => 'the app route');
    const signed = fake.signedRequest({ algorithm: 'HMAC-SHA256', user_id: USER_ID, issued_at: Math.floor(Date.now() / 1000) });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };

    const deleted = await app.inject({ method: 'POST', url: '/auth/threads/delete', headers: form, payload: new URLSearchParams({ signed_request: signed }).toString() });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ url: expect.stringContaining('/auth/threads/deletion-status?code='), confirmation_code: expect.any(String) });

    const forged = await app.inject({ method: 'POST', url: '/auth/threads/deauthorize', headers: form, payload: 'signed_request=forged.value' });
    expect(forged.statusCode).toBe(400);

    // The setup bites: the app's own form route does not get through it.
    const other = await app.inject({ method: 'POST', url: '/other-form', headers: form, payload: 'a=1' });
    expect(other.statusCode).toBeGreaterThanOrEqual(400);
  });
});
