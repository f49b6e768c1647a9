/**
 * A token Threads has issued is never lost because the store failed to take it. A write that fails (the store
 * down, cut or slow past `storeTimeoutMs`) is kept here, served to every read of that user in this process, and
 * retried with backoff until the store takes it, unless the store meanwhile holds a newer token.
 *
 * @module
 */
import type { StoredToken, TokenStore } from './store.js';

const FIRST_RETRY_MS = 1_000;
const LAST_RETRY_MS = 30_000;

/** Writes to the store that must not be lost. */
export interface PendingWrites {
  /** The newest token this process holds for `userId` that the store has not taken yet. */
  get(userId: string): StoredToken | undefined;
  /** Writes `token`; resolves `true` when the store took it, `false` when it was kept for a retry. */
  write(token: StoredToken): Promise<boolean>;
  /** Forgets any pending write for `userId` (the user's token was revoked). */
  drop(userId: string): void;
  /** How many writes wait for the store. */
  readonly size: number;
}

/** Pending writes for `store`, retried in the background; `report` hears every failed attempt. */
export function createPendingWrites(store: TokenStore, report: (error: unknown) => void): PendingWrites {
  const pending = new Map<string, StoredToken>();
  let timer: NodeJS.Timeout | undefined;
  let delay = FIRST_RETRY_MS;

  const schedule = () => {
    if (timer !== undefined || pending.size === 0) return;
    timer = setTimeout(retry, delay);
    // A pending write must not keep a process alive that has nothing else to do.
    timer.unref?.();
    delay = Math.min(delay * 2, LAST_RETRY_MS);
  };

  async function retry(): Promise<void> {
    timer = undefined;
    for (const token of [...pending.values()]) {
      try {
        const current = await store.get(token.userId, { consistent: true });
        // Another instance refreshed since: its token is newer, keep it.
        if (current === null || current.issuedAt < token.issuedAt) await store.set(token);
        if (pending.get(token.userId) === token) pending.delete(token.userId);
      } catch (error) {
        report(error);
      }
    }
    if (pending.size === 0) delay = FIRST_RETRY_MS;
    schedule();
  }

  return {
    get: (userId) => pending.get(userId),
    async write(token) {
      try {
        await store.set(token);
        if (pending.get(token.userId)?.issuedAt === token.issuedAt) pending.delete(token.userId);
        return true;
      } catch (error) {
        const held = pending.get(token.userId);
        if (held === undefined || held.issuedAt <= token.issuedAt) pending.set(token.userId, token);
        report(error);
        schedule();
        return false;
      }
    },
    drop: (userId) => void pending.delete(userId),
    get size() {
      return pending.size;
    },
  };
}
