/**
 * Every call to the app's token store is I/O like any other: bounded by `storeTimeoutMs`, and a store that
 * fails or does not answer in time becomes a `store_unavailable` error (503 with `Retry-After`), the cause kept.
 * The synchronous `peek` and `peekSession` answer from the store's own memory and are passed through.
 *
 * @module
 */
import { ThreadsAuthError } from './errors.js';
import type { TokenStore } from './store.js';
import { redactText } from './threads.js';

const ASYNC_METHODS = ['get', 'set', 'delete', 'listDue', 'acquireLock', 'consumeOnce', 'setSession', 'getSession', 'deleteSession', 'deleteSessions', 'releaseClaims'] as const;

function bounded<T>(call: () => Promise<T>, method: string, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ThreadsAuthError('store_unavailable', { message: `token store: ${method}() did not answer within ${timeoutMs} ms (storeTimeoutMs)` })),
      timeoutMs,
    );
  });
  let pending: Promise<T>;
  try {
    pending = Promise.resolve(call());
  } catch (error) {
    pending = Promise.reject(error);
  }
  return Promise.race([pending, timeout])
    .catch((error: unknown) => {
      if (error instanceof ThreadsAuthError) throw error;
      // The store's own message may quote its connection string: no credentials in ours (the cause keeps it all).
      const why = redactText(String((error as Error)?.message ?? error));
      throw new ThreadsAuthError('store_unavailable', { message: `token store: ${method}() failed: ${why}`, cause: error });
    })
    .finally(() => clearTimeout(timer));
}

/** `store` with every asynchronous call bounded by `timeoutMs` and its failures classified. */
export function boundStore(store: TokenStore, timeoutMs: number): TokenStore {
  const guarded: Record<string, unknown> = {};
  const methods = store as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>;
  // Methods are looked up at call time, on the store itself: a store may replace its own methods.
  for (const method of ASYNC_METHODS) {
    if (typeof methods[method] === 'function') guarded[method] = (...args: unknown[]) => bounded(() => methods[method]!.apply(store, args) as Promise<unknown>, method, timeoutMs);
  }
  for (const method of ['peek', 'peekSession', 'close'] as const) {
    if (typeof methods[method] === 'function') guarded[method] = (...args: unknown[]) => methods[method]!.apply(store, args);
  }
  return Object.freeze(guarded) as unknown as TokenStore;
}
