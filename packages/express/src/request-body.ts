import type { IncomingMessage } from 'node:http';

/** The most a Meta callback form may weigh; core answers `payload_too_large` for anything longer. */
const BODY_LIMIT = 64 * 1024;

/**
 * The form Meta POSTs to the deauthorize and delete callbacks: the object a body parser already made, or
 * else the raw text, read up to one byte past the limit so that core can refuse it as too large.
 */
export async function readRequestBody(req: IncomingMessage, parsed: unknown): Promise<string | Readonly<Record<string, unknown>> | undefined> {
  if (typeof parsed === 'object' && parsed !== null && Object.keys(parsed).length > 0) return parsed as Record<string, unknown>;
  // A body parser that ran but found nothing it understood has already drained the stream.
  if (req.readableEnded) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  // Stop reading at the limit without destroying the request: the 413 still has to be sent on its socket.
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > BODY_LIMIT) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}
