import type { FetchLike } from '../src/index.js';

/** One request the recording fetch saw. */
export interface RecordedCall {
  readonly method: string;
  readonly url: URL;
  readonly body: URLSearchParams | undefined;
}

type Reply = Response | Promise<Response> | 'hang' | 'network-error';
type Route = (call: RecordedCall) => Reply;

/** A fetch that records every call and answers from per-path routes (a queue of one-shot replies first). */
export function recordingFetch(routes: Record<string, Route> = {}) {
  const calls: RecordedCall[] = [];
  const queued = new Map<string, Reply[]>();
  const fetch: FetchLike = async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input));
    const body = init?.body === undefined || init.body === null ? undefined : new URLSearchParams(init.body as URLSearchParams | string);
    const call: RecordedCall = { method: init?.method ?? 'GET', url, body };
    calls.push(call);
    const key = url.pathname;
    const queue = queued.get(key);
    const reply = queue !== undefined && queue.length > 0 ? queue.shift()! : routes[key]?.(call);
    if (reply === undefined) return json({ error: { message: 'no route', code: 100 } }, 400);
    if (reply === 'network-error') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') });
    if (reply === 'hang') {
      return new Promise<Response>((_, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason ?? new Error('aborted')));
      });
    }
    return reply;
  };
  return {
    fetch,
    calls,
    callsTo: (pathname: string) => calls.filter((c) => c.url.pathname === pathname),
    /** Answers the next calls to `pathname` with `replies`, in order, before its route. */
    queue(pathname: string, ...replies: Reply[]) {
      queued.set(pathname, [...(queued.get(pathname) ?? []), ...replies]);
    },
  };
}

export function json(body: unknown, status = 200): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export const USER_ID = '17841405793187219';
export const SHORT = 'THshortlivedtoken0123456789';
export const LONG = 'THlonglivedtoken0123456789abcdef';
export const REFRESHED = 'THrefreshedtoken0123456789abcdef';

/** Routes answering like Meta does on success. */
export function threadsRoutes(overrides: Record<string, Route> = {}): Record<string, Route> {
  return {
    // Meta sends user_id as a bare number beyond 2^53 and no token_type.
    '/oauth/access_token': (call) =>
      call.method === 'POST'
        ? new Response(`{"access_token":"${SHORT}","user_id":${USER_ID}}`, { status: 200, headers: { 'content-type': 'application/json' } })
        : json({ access_token: 'TH|1234567890|apptoken', token_type: 'bearer' }),
    '/access_token': () => json({ access_token: LONG, token_type: 'bearer', expires_in: 5183944 }),
    '/refresh_access_token': () => json({ access_token: REFRESHED, token_type: 'bearer', expires_in: 5184000 }),
    '/v1.0/debug_token': () =>
      json({
        data: {
          type: 'USER',
          application: 'Test App',
          is_valid: true,
          issued_at: 1_700_000_000,
          expires_at: 1_700_003_600,
          data_access_expires_at: 1_707_776_000,
          scopes: ['threads_basic', 'threads_content_publish'],
          user_id: USER_ID,
        },
      }),
    ...overrides,
  };
}
