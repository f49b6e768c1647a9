/**
 * Reading the form Meta POSTs to the deauthorize and delete callbacks, so that no body parser has to be mounted.
 *
 * @module
 */

/** The most a Meta callback form may weigh; `handle` answers `payload_too_large` for anything longer. */
export const FORM_BODY_LIMIT = 64 * 1024;

/** A request body stream: Node's `IncomingMessage` (what Express, Koa and Nest hand over) fits. */
export interface RequestBodyStream extends AsyncIterable<Uint8Array | string> {
  /** True when something (a body parser) already consumed the stream. */
  readonly readableEnded?: boolean;
}

/**
 * What adapters pass as `readBody`: the object a body parser already made, or else the raw text, read up to
 * one byte past {@link FORM_BODY_LIMIT} so that `handle` can refuse it as too large. Stops without destroying
 * the stream, so the 413 can still be sent.
 *
 * @param stream - The request.
 * @param parsed - What a body parser left (`req.body`, `ctx.request.body`), if any.
 */
export async function readRequestBody(stream: RequestBodyStream, parsed: unknown): Promise<string | Readonly<Record<string, unknown>> | undefined> {
  if (typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length > 0) return parsed as Record<string, unknown>;
  // A body parser that ran but found nothing it understood has already drained the stream.
  if (stream.readableEnded) return undefined;
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text.length > FORM_BODY_LIMIT) break;
  }
  return text + decoder.decode();
}
