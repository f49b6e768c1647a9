import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FORM_BODY_LIMIT, readRequestBody } from '../src/index.js';

describe('readRequestBody', () => {
  it('prefers what a body parser already made', async () => {
    expect(await readRequestBody(Readable.from(['ignored']), { signed_request: 'a.b' })).toEqual({ signed_request: 'a.b' });
  });
  it('reads the raw form, across chunks and multi-byte characters', async () => {
    const bytes = Buffer.from('signed_request=a.b&note=café');
    const stream = Readable.from([bytes.subarray(0, 26), bytes.subarray(26)]);
    expect(await readRequestBody(stream, {})).toBe('signed_request=a.b&note=café');
  });
  it('stops one chunk past the limit, so the caller can refuse it', async () => {
    const chunk = 'x'.repeat(16 * 1024);
    let pulled = 0;
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < 100; i++) {
          pulled++;
          yield chunk;
        }
      })(),
    );
    const text = (await readRequestBody(stream, undefined)) as string;
    expect(text.length).toBeGreaterThan(FORM_BODY_LIMIT);
    expect(pulled).toBeLessThan(10);
  });
  it('resolves undefined when a parser already drained the stream', async () => {
    const stream = Readable.from([]);
    for await (const _ of stream);
    expect(await readRequestBody(stream, {})).toBeUndefined();
  });
});
