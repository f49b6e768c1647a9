import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSealer } from '../src/seal.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);

describe('sealing', () => {
  it('round-trips a value and hides it', () => {
    const sealer = createSealer([A], 'session', randomBytes);
    const sealed = sealer.seal({ accessToken: 'THsecret-token-value' });
    expect(sealed).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(sealed, 'base64url').toString('latin1')).not.toContain('THsecret');
    expect(sealer.unseal(sealed)).toEqual({ accessToken: 'THsecret-token-value' });
  });
  it('uses a fresh IV each time', () => {
    const sealer = createSealer([A], 'session', randomBytes);
    expect(sealer.seal({ a: 1 })).not.toBe(sealer.seal({ a: 1 }));
  });
  it('rejects tampering, truncation, garbage and other purposes', () => {
    const sealer = createSealer([A], 'session', randomBytes);
    const sealed = sealer.seal({ a: 1 });
    const flipped = Buffer.from(sealed, 'base64url');
    flipped[20]! ^= 1;
    expect(sealer.unseal(flipped.toString('base64url'))).toBeUndefined();
    expect(sealer.unseal(sealed.slice(0, -4))).toBeUndefined();
    expect(sealer.unseal('not-a-sealed-value')).toBeUndefined();
    expect(sealer.unseal('')).toBeUndefined();
    expect(createSealer([A], 'state', randomBytes).unseal(sealed)).toBeUndefined();
  });
  it('rotates secrets: the first seals, all unseal', () => {
    const old = createSealer([A], 'session', randomBytes).seal({ v: 'old' });
    const rotated = createSealer([B, A], 'session', randomBytes);
    expect(rotated.unseal(old)).toEqual({ v: 'old' });
    expect(createSealer([A], 'session', randomBytes).unseal(rotated.seal({ v: 'new' }))).toBeUndefined();
    expect(createSealer([B], 'session', randomBytes).unseal(old)).toBeUndefined();
  });
});
