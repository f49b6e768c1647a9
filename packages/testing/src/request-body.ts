/**
 * Reads a request body into form fields. Clients reach `/oauth/access_token` with a urlencoded body (the
 * official sample), multipart (the docs' `curl -F`), or no body at all (parameters in the query string).
 *
 * @module
 */

import type { IncomingMessage } from 'node:http';

/** Bodies above this size are refused; no legitimate OAuth request comes near it. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Thrown by {@link readForm} when the body exceeds {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {
  constructor() {
    super(`Request body exceeds ${MAX_BODY_BYTES} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The text fields of a `multipart/form-data` body; file parts are skipped. */
function parseMultipart(body: string, boundary: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of body.split(`--${boundary}`)) {
    if (part.startsWith('--')) break;
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) continue;
    const headers = part.slice(0, headerEnd);
    const name = /\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined || /\bfilename=/i.test(headers)) continue;
    fields[name] = part.slice(headerEnd + 4).replace(/\r\n$/, '');
  }
  return fields;
}

/**
 * The form fields of `req`'s body: urlencoded or multipart. Any other body is read and ignored.
 *
 * @throws BodyTooLargeError when the body exceeds {@link MAX_BODY_BYTES}.
 */
export async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const body = await readBody(req);
  if (body.length === 0) return {};
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  }
  if (contentType.startsWith('multipart/form-data')) {
    // The boundary is case-sensitive, so read it from the original header.
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    const value = boundary?.[1] ?? boundary?.[2];
    return value === undefined ? {} : parseMultipart(body.toString('utf8'), value);
  }
  return {};
}
