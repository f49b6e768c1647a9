/** The small parts: the pasted redirect, the default token file, the sealing secret, the browser command. */
import { describe, expect, it } from 'vitest';
import { openCommand } from '../src/browser.js';
import { pastedQuery } from '../src/login.js';
import { loopbackTarget } from '../src/loopback-server.js';
import { CliError, defaultTokenFile, tokenFileSecret } from '../src/index.js';

describe('pastedQuery', () => {
  const redirect = 'https://app.example/callback/';
  it.each([
    ['the whole address with #_', 'https://app.example/callback/?code=AQ1&state=s1#_', 'AQ1'],
    ['the address with spaces around it', '  https://app.example/callback/?code=AQ2&state=s1  ', 'AQ2'],
    ['just the query', '?code=AQ3&state=s1#_', 'AQ3'],
    ['the query without "?"', 'code=AQ4&state=s1', 'AQ4'],
  ])('reads %s', (_name, text, code) => {
    const query = pastedQuery(text, redirect);
    expect(query.get('code')).toBe(code);
    expect(query.get('state')).toBe('s1');
  });
  it('passes an error redirect on to the exchange, which says what it means', () => {
    expect(pastedQuery('https://app.example/callback/?error=access_denied&error_reason=user_denied#_', redirect).get('error')).toBe('access_denied');
  });
  it('refuses an address without a code, saying what to paste', () => {
    const error = (() => {
      try {
        pastedQuery('https://www.threads.com/oauth/authorize?client_id=1', redirect);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).reason).toBe('login_failed');
    expect((error as CliError).message).toContain(`${redirect}?code=`);
  });
});

describe('loopbackTarget', () => {
  it.each([
    ['https://localhost:8443/callback/', { hostname: 'localhost', port: 8443, pathname: '/callback/' }],
    ['https://127.0.0.1:9000/cb', { hostname: '127.0.0.1', port: 9000, pathname: '/cb' }],
    ['https://localhost/cb', { hostname: 'localhost', port: 443, pathname: '/cb' }],
    ['http://localhost:8443/cb', undefined],
    ['https://app.example/cb', undefined],
  ])('%s', (uri, target) => {
    expect(loopbackTarget(new URL(uri))).toEqual(target);
  });
});

describe('defaultTokenFile', () => {
  it('prefers THREADS_AUTH_FILE, then XDG_CONFIG_HOME, then the platform directory', () => {
    expect(defaultTokenFile({ THREADS_AUTH_FILE: '/x/t.json', XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/x/t.json');
    expect(defaultTokenFile({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/threads-auth/token.json');
    expect(defaultTokenFile({}, 'linux')).toMatch(/\.config\/threads-auth\/token\.json$/);
    expect(defaultTokenFile({}, 'darwin')).toMatch(/Library\/Application Support\/threads-auth\/token\.json$/);
  });
});

describe('tokenFileSecret', () => {
  it('is long enough for core whatever the app secret, differs per app secret, and refuses none', () => {
    expect(tokenFileSecret('abc').length).toBeGreaterThanOrEqual(32);
    expect(tokenFileSecret('a')).not.toBe(tokenFileSecret('b'));
    expect(() => tokenFileSecret('')).toThrow(TypeError);
  });
});

describe('openCommand', () => {
  it('uses the platform opener, with the URL as one argument', () => {
    const url = 'https://www.threads.com/oauth/authorize?a=1&b=2';
    expect(openCommand(url, 'darwin')).toEqual(['open', [url]]);
    expect(openCommand(url, 'linux')).toEqual(['xdg-open', [url]]);
    expect(openCommand(url, 'win32')).toEqual(['rundll32', ['url.dll,FileProtocolHandler', url]]);
  });
});
