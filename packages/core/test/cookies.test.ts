import { describe, expect, it } from 'vitest';
import { readCookie } from '../src/cookies.js';

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
