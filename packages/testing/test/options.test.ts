import { describe, expect, it } from 'vitest';
import { type FakeThreadsOptions, startFakeThreads } from '../src/index.js';

describe('startFakeThreads(options)', () => {
  it('listens on an ephemeral loopback port with the documented defaults', async () => {
    const fake = await startFakeThreads();
    try {
      expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(fake.authorizationUrl).toBe(`${fake.url}/oauth/authorize`);
      expect(fake.clientId).toBe('1234567890');
      expect(fake.clientSecret).toBe('fake-threads-app-secret');
    } finally {
      await fake.close();
    }
  });

  it.each<[string, FakeThreadsOptions, RegExp]>([
    ['port', { port: 70_000 }, /options\.port/],
    ['users', { users: [] }, /options\.users must be a non-empty array/],
    ['a non-numeric user id', { users: [{ id: 'abc', username: 'x' }] }, /options\.users\[0\]\.id/],
    [
      'duplicate user ids',
      { users: [{ id: '1', username: 'a' }, { id: '1', username: 'b' }] },
      /options\.users\[1\]\.id must be unique/,
    ],
    ['a redirect URI that is not http(s)', { redirectUris: ['ftp://x/'] }, /options\.redirectUris\[0\]/],
    ['a clientId containing |', { clientId: '1|2' }, /options\.clientId/],
    ['a negative latency', { latencyMs: -5 }, /options\.latencyMs/],
    ['a zero TTL', { shortLivedTtlSeconds: 0 }, /options\.shortLivedTtlSeconds/],
  ])('rejects %s with a TypeError naming the option', async (_, options, message) => {
    await expect(startFakeThreads(options)).rejects.toThrow(TypeError);
    await expect(startFakeThreads(options)).rejects.toThrow(message);
  });

  it('fails with the listen error when the port is taken', async () => {
    const first = await startFakeThreads();
    try {
      const port = Number(new URL(first.url).port);
      await expect(startFakeThreads({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
