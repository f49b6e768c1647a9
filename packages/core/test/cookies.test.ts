import { describe, expect, it } from 'vitest';
import { readCookie, setCookie } from '../src/cookies.js';

describe('readCookie', () => {
  it.each<[string | string[] | undefined, string | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['threads_auth_session=abc', 'abc'],
    ['a=1; threads_auth_session=abc; b=2', 'abc'],
    ['a=1;threads_auth_session=abc', 'abc'],
    ['threads_auth_session = abc', undefined],
    ['threads_auth_session="abc"', 'abc'],
    ['x=threads_auth_session=evil; threads_auth_session=good', 'good'],
    ['__Host-threads_auth_session=secure-only', undefined],
    ['my_threads_auth_session=other', undefined],
    ['threads_auth_sessionX=other', undefined],
    ['threads_auth_session=a%20b', 'a b'],
    ['threads_auth_session=%E0%A4%A', '%E0%A4%A'],
    [['a=1', 'threads_auth_session=abc'], 'abc'],
  ])('%j → %j', (header, expected) => {
    expect(readCookie(header, 'threads_auth_session')).toBe(expected);
  });
  it('finds the __Host- cookie by its own name', () => {
    expect(readCookie('threads_auth_session=plain; __Host-threads_auth_session=secure', '__Host-threads_auth_session')).toBe('secure');
  });
});

// The exact headers cookie@2's stringifySetCookie produced for the same input, before it was replaced by setCookie.
describe('setCookie', () => {
  it.each<[string, string, number, boolean, string]>([
    ['threads_auth_state', 'c2VhbGVk-_x', 900, false, 'threads_auth_state=c2VhbGVk-_x; Max-Age=900; Path=/; HttpOnly; SameSite=Lax'],
    ['__Host-threads_auth_session', 'abc', 5184000, true, '__Host-threads_auth_session=abc; Max-Age=5184000; Path=/; HttpOnly; Secure; SameSite=Lax'],
    ['__Host-threads_auth_session', '', 0, true, '__Host-threads_auth_session=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax'],
    ['threads_auth_session', 'a b;c%', 1, false, 'threads_auth_session=a%20b%3Bc%25; Max-Age=1; Path=/; HttpOnly; SameSite=Lax'],
  ])('%s=%j max-age %d secure %s', (name, value, maxAge, secure, header) => {
    expect(setCookie(name, value, maxAge, secure)).toEqual({ name, value, maxAge, header });
  });
  it('round-trips an escaped value through readCookie', () => {
    const { header } = setCookie('threads_auth_session', 'a b;c%', 1, false);
    expect(readCookie(header.slice(0, header.indexOf(';')), 'threads_auth_session')).toBe('a b;c%');
  });
  it.each([
    ['bad name', 'a b', 1],
    ['bad name', 'a;b', 1],
    ['fractional max-age', 'ok', 1.5],
    ['negative max-age', 'ok', -1],
  ])('throws a TypeError on a %s', (_, name, maxAge) => {
    expect(() => setCookie(name, 'v', maxAge, false)).toThrow(TypeError);
  });
});
