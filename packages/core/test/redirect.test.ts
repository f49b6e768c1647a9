import { describe, expect, it } from 'vitest';
import { sameSiteTarget, withErrorParameter } from '../src/redirect.js';

const ORIGIN = 'https://app.example';

describe('sameSiteTarget', () => {
  it.each([
    ['/dashboard', '/dashboard'],
    ['/a/b?c=d#e', '/a/b?c=d#e'],
    ['https://app.example/x', '/x'],
  ])('honours %s', (input, expected) => {
    expect(sameSiteTarget(input, ORIGIN)).toBe(expected);
  });
  it.each(['//evil.example', 'https://evil.example/', '/\\evil.example', '\\\\evil.example', 'javascript:alert(1)', '/\t/evil.example', 'https://app.example.evil.example/', 'http://app.example/', '', 'dashboard', null])(
    'refuses %s',
    (input) => {
      expect(sameSiteTarget(input as string | null, ORIGIN)).toBeUndefined();
    },
  );
});

describe('withErrorParameter', () => {
  it('appends the code as a query parameter', () => {
    expect(withErrorParameter('/login', 'access_denied')).toBe('/login?error=access_denied');
    expect(withErrorParameter('/login?x=1#top', 'invalid_state')).toBe('/login?x=1&error=invalid_state#top');
  });
});
