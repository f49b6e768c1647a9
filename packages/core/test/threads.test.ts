import { describe, expect, it } from 'vitest';
import type { ThreadsAuthErrorCode } from '../src/error-codes.js';
import type { MetaErrorDetails, ThreadsStep } from '../src/errors.js';
import { parseThreadsJson, redactText, redactUrl } from '../src/threads.js';
import { META_ERROR_MAPPINGS, classifyMetaError, isInvalidTokenMetaError, isRateLimitMetaError, isTransientMetaError, parseMetaError } from '../src/threads-errors.js';

describe('parseThreadsJson', () => {
  it('reads ids beyond 2^53 exactly, as strings', () => {
    // JSON.parse would turn …219 into …220.
    expect(JSON.parse('{"user_id":17841405793187219}').user_id).not.toBe(17841405793187219n.toString());
    expect(parseThreadsJson('{"access_token":"TH1","user_id":17841405793187219}')).toEqual({ access_token: 'TH1', user_id: '17841405793187219' });
    expect(parseThreadsJson('{ "id" : 17841405793187219 , "x": 1}')).toEqual({ id: '17841405793187219', x: 1 });
    expect(parseThreadsJson('{"data":{"app_id":9007199254740993,"user_id":"17841405793187219"}}')).toEqual({
      data: { app_id: '9007199254740993', user_id: '17841405793187219' },
    });
  });
  it('leaves other numbers and id-like text inside strings alone', () => {
    expect(parseThreadsJson('{"expires_in":5183944,"code":190}')).toEqual({ expires_in: 5183944, code: 190 });
    expect(parseThreadsJson('{"message":"bad \\"user_id\\":1 here"}')).toEqual({ message: 'bad "user_id":1 here' });
  });
  it('returns undefined for anything but a JSON object', () => {
    for (const text of ['', 'null', '[1]', '"x"', '{"access_token":', '<!DOCTYPE html><p>error</p>']) {
      expect(parseThreadsJson(text)).toBeUndefined();
    }
  });
});

describe('parseMetaError', () => {
  it.each([
    [
      'Graph shape',
      { error: { message: 'Error validating access token: Session has expired', type: 'OAuthException', code: 190, error_subcode: 463, fbtrace_id: 'Axyz' } },
      { type: 'OAuthException', code: 190, subcode: 463, fbtraceId: 'Axyz', message: 'Error validating access token: Session has expired', httpStatus: 400 },
    ],
    [
      'flat token-endpoint shape',
      { error_type: 'OAuthException', code: 400, error_message: 'Matching code was not found or was already used' },
      { type: 'OAuthException', code: 400, message: 'Matching code was not found or was already used', httpStatus: 400 },
    ],
    ['authorization-window shape', { error_message: 'URL Blocked', error_code: 1349168 }, { code: 1349168, message: 'URL Blocked', httpStatus: 400 }],
    ['transient flag', { error: { message: 'x', code: 2, is_transient: true } }, { code: 2, isTransient: true, message: 'x', httpStatus: 400 }],
  ])('%s', (_, body, expected) => {
    expect(parseMetaError(body as Record<string, unknown>, 400)).toMatchObject(expected);
  });
  it('is undefined for bodies that are not Meta errors', () => {
    expect(parseMetaError({ access_token: 'x' }, 400)).toBeUndefined();
    expect(parseMetaError(undefined, 500)).toBeUndefined();
  });
  it('redacts tokens quoted in Meta messages', () => {
    const meta = parseMetaError({ error: { message: 'Invalid token THAAbbccddeeffgghhiijj', code: 190 } }, 400);
    expect(meta?.message).toBe('Invalid token [redacted]');
  });
});

describe('classification', () => {
  it.each([
    [{ code: 1 }, true],
    [{ code: 2 }, true],
    [{ code: 4 }, true],
    [{ code: 17 }, true],
    [{ code: 341 }, true],
    [{ code: 100, isTransient: true }, true],
    [{ code: 190 }, false],
    [{ code: 100 }, false],
    [{ code: 10 }, false],
  ])('transient %j → %s', (meta, transient) => {
    expect(isTransientMetaError(meta)).toBe(transient);
  });
  it('190 and 102 mean a dead token', () => {
    expect(isInvalidTokenMetaError({ code: 190, subcode: 463 })).toBe(true);
    expect(isInvalidTokenMetaError({ code: 102 })).toBe(true);
    expect(isInvalidTokenMetaError({ code: 4 })).toBe(false);
  });
});

describe('redaction', () => {
  it('redacts every secret-bearing query parameter', () => {
    const url = redactUrl('https://graph.threads.net/access_token?grant_type=th_exchange_token&client_secret=s3cr3t&access_token=THabc');
    expect(url).not.toContain('s3cr3t');
    expect(url).not.toContain('THabc');
    expect(url).toContain('grant_type=th_exchange_token');
    expect(redactUrl('https://g/v1.0/debug_token?input_token=THx&access_token=TH%7C1%7Cs')).not.toMatch(/THx|%7Cs/);
  });
  it('redacts app tokens and user tokens in text', () => {
    expect(redactText('caller TH|1234567890|abcdefghijk and THQVJabcdefghijklmnop')).toBe('caller [redacted] and [redacted]');
    // A store's error may quote its connection string: the credentials go, the host stays (it helps the fix).
    expect(redactText('connect failed: redis://admin:hunter2@cache.internal:6379/0')).toBe('connect failed: redis://[redacted]@cache.internal:6379/0');
    expect(redactText('postgres://:s3cret@db:5432/app and rediss://default:pw@x')).toBe('postgres://[redacted]@db:5432/app and rediss://[redacted]@x');
    expect(redactText('see https://developers.facebook.com/docs/threads')).toBe('see https://developers.facebook.com/docs/threads');
  });
});

describe('classifyMetaError (META_ERROR_MAPPINGS)', () => {
  it.each<[ThreadsStep, MetaErrorDetails, ThreadsAuthErrorCode | undefined]>([
    ['code_exchange', { code: 101 }, 'invalid_client_secret'],
    ['app_token', { code: 101 }, 'invalid_client_secret'],
    ['refresh', { code: 101 }, undefined],
    ['authorize', { code: 1349026 }, 'invalid_client_id'],
    ['code_exchange', { code: 4476002 }, 'invalid_client_id'],
    ['authorize', { code: 1349245 }, 'tester_not_accepted'],
    ['introspection', { code: 100 }, 'debug_token_refused'],
    ['code_exchange', { code: 100 }, undefined],
    ['refresh', { code: 190, subcode: 463 }, 'token_expired'],
    ['long_lived_exchange', { code: 190 }, undefined],
    ['refresh', { code: 10 }, 'permission_missing'],
    ['refresh', { code: 250 }, 'permission_missing'],
    ['refresh', { code: 4 }, 'rate_limited'],
    ['introspection', { code: 613 }, 'rate_limited'],
    ['refresh', { code: 2 }, undefined],
    ['refresh', {}, undefined],
  ])('%s %o → %s', (step, meta, expected) => {
    expect(classifyMetaError(step, meta)).toBe(expected);
  });
  it('classifies by code, never by message text', () => {
    expect(classifyMetaError('code_exchange', { code: 400, message: 'Error validating client secret.' })).toBeUndefined();
  });
  it('knows the rate-limit codes', () => {
    expect([4, 17, 32, 613, 1, 190].map((code) => isRateLimitMetaError({ code }))).toEqual([true, true, true, true, false, false]);
  });
  it('cites a source and a confidence for every mapping', () => {
    for (const mapping of META_ERROR_MAPPINGS) {
      expect(mapping.source.length).toBeGreaterThan(20);
      expect(['doc', 'code', 'inferred']).toContain(mapping.confidence);
    }
  });
});
