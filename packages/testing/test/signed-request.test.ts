import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeThreads, startFakeThreads } from '../src/index.js';

let fake: FakeThreads;
afterEach(() => fake?.close());

/** Verifies as Meta's PHP sample does: HMAC-SHA256 over the still-encoded payload segment. */
function verify(signedRequest: string, secret: string): Record<string, unknown> | undefined {
  const [encodedSignature = '', encodedPayload = ''] = signedRequest.split('.', 2);
  const expected = createHmac('sha256', secret).update(encodedPayload).digest();
  const actual = Buffer.from(encodedSignature, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
  return JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('signedRequest()', () => {
  it('signs with the app secret over the encoded payload, adding algorithm and issued_at', async () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    fake = await startFakeThreads({ now: () => now });
    const signed = fake.signedRequest({ user_id: '17841405793187219' });
    expect(signed).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verify(signed, fake.clientSecret)).toEqual({
      algorithm: 'HMAC-SHA256',
      issued_at: now / 1000,
      user_id: '17841405793187219',
    });
    expect(verify(signed, 'another-secret')).toBeUndefined();
  });

  it('lets the payload override the defaults and the secret be chosen', async () => {
    fake = await startFakeThreads();
    const signed = fake.signedRequest({ algorithm: 'none', user_id: '1', expires: 1 }, 'other');
    expect(verify(signed, 'other')).toMatchObject({ algorithm: 'none', user_id: '1', expires: 1 });
    expect(verify(signed, fake.clientSecret)).toBeUndefined();
  });
});
