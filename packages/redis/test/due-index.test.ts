/**
 * The lex-ordered `due` index, as pure functions: member encoding and the ZRANGEBYLEX bounds of a query,
 * table-driven, including the cursor against `expiresAfter`, fractional and infinite bounds.
 */
import { describe, expect, it } from 'vitest';
import { compareDue, dueMember, dueRange, endOfExpiry, memberUserId } from '../src/due-index.js';

const T = 1_800_000_000_000;
const pad = (ms: number) => String(ms).padStart(16, '0');
const query = { issuedBefore: T, expiresBefore: T + 1000, expiresAfter: T, limit: 10 };

describe('due index', () => {
  it('encodes expiry in 16 digits then the user id, and decodes the user id back', () => {
    expect(dueMember(T, '17841405793187219')).toBe(`${pad(T)}:17841405793187219`);
    expect(memberUserId(dueMember(T, 'a:b:c'))).toBe('a:b:c');
    expect(dueMember(Number.MAX_SAFE_INTEGER, 'u')).toBe('9007199254740991:u');
    // Lexicographic order of members is (expiresAt, userId) order, across digit counts.
    const members = [dueMember(999, 'z'), dueMember(1000, 'a'), dueMember(1000, 'b'), dueMember(T, '')].map((m) => Buffer.from(m));
    expect([...members].sort(Buffer.compare)).toEqual(members);
  });

  it.each([
    ['integer bounds', query, `[${pad(T)};`, `(${pad(T + 1000)};`],
    ['fractional bounds widen by less than a millisecond', { ...query, expiresAfter: T + 0.5, expiresBefore: T + 1000.5 }, `[${pad(T)}:`, `(${pad(T + 1000)};`],
    ['infinite bounds', { ...query, expiresAfter: Number.NEGATIVE_INFINITY, expiresBefore: Number.POSITIVE_INFINITY }, '-', '+'],
    ['negative expiresAfter', { ...query, expiresAfter: -5 }, '-', `(${pad(T + 1000)};`],
    ['expiresBefore before the epoch', { ...query, expiresBefore: -1 }, `[${pad(T)};`, '-'],
    ['a cursor further on wins', { ...query, after: { expiresAt: T + 10, userId: 'u7' } }, `(${pad(T + 10)}:u7`, `(${pad(T + 1000)};`],
    ['a cursor at expiresAfter loses (that expiry is excluded anyway)', { ...query, after: { expiresAt: T, userId: 'u7' } }, `[${pad(T)};`, `(${pad(T + 1000)};`],
    ['a cursor behind expiresAfter loses', { ...query, after: { expiresAt: T - 10, userId: 'u7' } }, `[${pad(T)};`, `(${pad(T + 1000)};`],
    ['a cursor with an open lower bound', { ...query, expiresAfter: Number.NEGATIVE_INFINITY, after: { expiresAt: 5, userId: '' } }, `(${pad(5)}:`, `(${pad(T + 1000)};`],
  ])('%s', (_name, q, min, max) => {
    expect(dueRange(q)).toEqual({ min, max });
  });

  it('closes one expiry with ";", which sorts after every member of that expiry and before the next', () => {
    const close = Buffer.from(endOfExpiry(T).slice(1));
    expect(Buffer.compare(Buffer.from(dueMember(T, '\u{10FFFF}')), close)).toBe(-1);
    expect(Buffer.compare(close, Buffer.from(dueMember(T + 1, '')))).toBe(-1);
  });

  it('compares by expiry, then by the user id bytes', () => {
    expect(compareDue({ expiresAt: 1, userId: 'b' }, { expiresAt: 2, userId: 'a' })).toBeLessThan(0);
    expect(compareDue({ expiresAt: 1, userId: '10' }, { expiresAt: 1, userId: '9' })).toBeLessThan(0);
    expect(compareDue({ expiresAt: 1, userId: 'a' }, { expiresAt: 1, userId: 'a' })).toBe(0);
  });
});
