/**
 * Reading the form Meta POSTs to the deauthorize and delete callbacks, so that no body parser has to be
 * mounted, and so that whatever parser the app mounted first (urlencoded, json, text, raw) does not matter.
 * The read is bounded in size and in time: a body trickling in at a byte a second is cut off.
 *
 * @module
 */
import { ThreadsAuthError } from './errors.js';

/** The most a Meta callback form may weigh; `handle` answers `payload_too_large` for anything longer. */
export const FORM_BODY_LIMIT = 64 * 1024;

/** A request body stream: Node's `IncomingMessage` (what Express, Koa and Nest hand over) fits. */
export interface RequestBodyStream extends AsyncIterable<Uint8Array | string> {
  /** True when something (a body parser) already consumed the stream. */
  readonly readableEnded?: boolean;
}

/** Options of {@link readRequestBody}. */
export interface ReadBodyOptions {
  /** Give up after this many ms in all (default 10 000): `request_timeout`, 408. */
  readonly timeoutMs?: number;
}

const TIMEOUT = Symbol('timeout');

/**
 * What a body parser already made of the body, or else the raw text, read up to one byte past
 * {@link FORM_BODY_LIMIT} so that the caller can refuse it as too large. A parser's string (`express.text`) or
 * bytes (`express.raw`) are taken as the raw text. Stops without destroying the stream, so the answer can
 * still be sent.
 *
 * @param stream - The request.
 * @param parsed - What a body parser left (`req.body`, `ctx.request.body`), if any.
 * @throws {ThreadsAuthError} `request_timeout` when the body does not arrive within `timeoutMs`;
 *   `invalid_request` when the client aborts it.
 */
export async function readRequestBody(
  stream: RequestBodyStream,
  parsed: unknown,
  options: ReadBodyOptions = {},
): Promise<string | Readonly<Record<string, unknown>> | undefined> {
  if (typeof parsed === 'string') return parsed;
  if (parsed instanceof Uint8Array) return new TextDecoder().decode(parsed);
  if (typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length > 0) return parsed as Record<string, unknown>;
  // A body parser that ran but found nothing it understood has already drained the stream.
  if (stream.readableEnded) return undefined;

  const timeoutMs = options.timeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), timeoutMs);
  });
  const iterator = stream[Symbol.asyncIterator]();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const next = iterator.next();
      const step = await Promise.race([next, deadline]).catch((cause: unknown) => {
        throw new ThreadsAuthError('invalid_request', { message: 'the request body was aborted before it ended', cause });
      });
      if (step === TIMEOUT) {
        // Abandon the read without destroying the request, so that the 408 can still be written; a read that
        // fails later (the client goes away) must not become an unhandled rejection.
        next.catch(() => {});
        throw new ThreadsAuthError('request_timeout', { message: `the request body did not arrive within ${timeoutMs} ms (bodyTimeoutMs)` });
      }
      if (step.done) break;
      const chunk = step.value;
      text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (text.length > FORM_BODY_LIMIT) break;
    }
  } finally {
    clearTimeout(timer);
  }
  return text + decoder.decode();
}
