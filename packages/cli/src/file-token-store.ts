/**
 * `FileTokenStore`: a {@link TokenStore} in one local JSON file, for scripts, bots, cron jobs and the
 * `threads-auth` CLI. Several accounts live in one file, keyed by user id.
 *
 * Every change is one read-modify-write under a lock file beside it, written atomically (a temporary file,
 * fsync, rename), mode 0600: readers never see a torn file, and two processes changing it at once (two cron
 * jobs refreshing the same token) never lose each other's write. The refresh lock and the one-time keys live
 * in the file too, so `acquireLock` and `consumeOnce` hold across processes; a refresh lock whose holder died
 * is taken over.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { DueQuery, ReleaseLock, StoredSession, StoredToken, TokenStore } from '@threads-auth/core';
import { lockFile, processAlive } from './file-lock.js';

/** Options of {@link FileTokenStore}. */
export interface FileTokenStoreOptions {
  /** The clock expiries are judged by, in milliseconds. Default `Date.now`. */
  readonly now?: () => number;
  /** How long a change waits for another process's change to the file to end, in ms. Default 10 000. */
  readonly lockTimeoutMs?: number;
}

/** A refresh lock as the file keeps it. */
interface HeldLock {
  readonly key: string;
  readonly until: number;
  readonly holder: string;
  readonly pid: number;
  readonly host: string;
}

/** What the file holds (`version: 1`), as read into memory. */
interface TokenFileData {
  readonly tokens: Map<string, StoredToken>;
  readonly sessions: Map<string, StoredSession>;
  readonly once: Map<string, number>;
  readonly locks: Map<string, HeldLock>;
}

/** A change: it edits `data` in place and says what to resolve and whether the file must be written. */
type Change<T> = (data: TokenFileData, now: number) => { readonly result: T; readonly changed: boolean };

interface Pending {
  readonly change: Change<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** The listing order of `listDue`: `expiresAt`, then `userId` by UTF-16 code unit. */
function compareDue(a: { readonly expiresAt: number; readonly userId: string }, b: { readonly expiresAt: number; readonly userId: string }): number {
  return a.expiresAt - b.expiresAt || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * A token store in one local file, safe across processes.
 *
 * @example
 * ```ts
 * const auth = createThreadsAuth({
 *   clientId, clientSecret, redirectUri,
 *   secret: tokenFileSecret(clientSecret),          // what the CLI seals the file with
 *   store: new FileTokenStore(defaultTokenFile()),
 * });
 * const token = await auth.getToken(userId);       // refreshed first when due
 * ```
 */
export class FileTokenStore implements TokenStore {
  /** The token file. */
  readonly path: string;
  readonly #lockPath: string;
  readonly #now: () => number;
  readonly #lockTimeoutMs: number;
  #queue: Pending[] = [];
  #flushing = false;

  /**
   * @param path - The token file; created (with its directory, mode 0700) on the first write.
   * @throws TypeError when `path` is not a non-empty string or an option is invalid.
   */
  constructor(path: string, options: FileTokenStoreOptions = {}) {
    if (typeof path !== 'string' || path === '') throw new TypeError('FileTokenStore: path must be the token file path, e.g. defaultTokenFile().');
    const timeout = options.lockTimeoutMs ?? 10_000;
    if (!Number.isInteger(timeout) || timeout <= 0) throw new TypeError('FileTokenStore: options.lockTimeoutMs must be a positive integer (ms).');
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('FileTokenStore: options.now must be a function returning ms.');
    this.path = path;
    this.#lockPath = `${path}.lock`;
    this.#now = options.now ?? Date.now;
    this.#lockTimeoutMs = timeout;
  }

  async get(userId: string): Promise<StoredToken | null> {
    // Every read is of the file itself: another process may have refreshed the token a moment ago.
    const token = (await this.#read()).tokens.get(userId);
    return token !== undefined && token.expiresAt > this.#now() ? token : null;
  }

  set(token: StoredToken): Promise<void> {
    const copy: StoredToken = { userId: token.userId, sealed: token.sealed, issuedAt: token.issuedAt, expiresAt: token.expiresAt };
    return this.#change((data) => {
      data.tokens.set(copy.userId, copy);
      return { result: undefined, changed: true };
    });
  }

  delete(userId: string): Promise<boolean> {
    return this.#change((data) => {
      const existed = data.tokens.delete(userId);
      return { result: existed, changed: existed };
    });
  }

  async listDue(query: DueQuery): Promise<StoredToken[]> {
    const { after } = query;
    const due = [...(await this.#read()).tokens.values()].filter(
      (t) =>
        t.issuedAt <= query.issuedBefore &&
        t.expiresAt <= query.expiresBefore &&
        t.expiresAt > query.expiresAfter &&
        (after === undefined || compareDue(t, after) > 0),
    );
    return due.sort(compareDue).slice(0, Math.max(0, query.limit));
  }

  setSession(session: StoredSession): Promise<void> {
    const copy: StoredSession = { id: session.id, userId: session.userId, expiresAt: session.expiresAt };
    return this.#change((data) => {
      data.sessions.set(copy.id, copy);
      return { result: undefined, changed: true };
    });
  }

  async getSession(id: string): Promise<StoredSession | null> {
    const session = (await this.#read()).sessions.get(id);
    return session !== undefined && session.expiresAt > this.#now() ? session : null;
  }

  deleteSession(id: string): Promise<boolean> {
    return this.#change((data) => {
      const existed = data.sessions.delete(id);
      return { result: existed, changed: existed };
    });
  }

  deleteSessions(userId: string): Promise<number> {
    return this.#change((data) => {
      let n = 0;
      for (const [id, session] of data.sessions) if (session.userId === userId && data.sessions.delete(id)) n++;
      return { result: n, changed: n > 0 };
    });
  }

  /**
   * Takes the lock `key` for `ttlMs` across every process using this file. A lock whose holder process has
   * died on this host is taken over before its ttl ends.
   */
  acquireLock(key: string, ttlMs: number): Promise<ReleaseLock | null> {
    const holder = randomBytes(12).toString('base64url');
    return this.#change<ReleaseLock | null>((data, now) => {
      const held = data.locks.get(key);
      const heldByLiving = held !== undefined && held.until > now && !(held.host === hostname() && !processAlive(held.pid));
      if (heldByLiving) return { result: null, changed: false };
      data.locks.set(key, { key, until: now + ttlMs, holder, pid: process.pid, host: hostname() });
      const release: ReleaseLock = () =>
        this.#change((d) => {
          const mine = d.locks.get(key)?.holder === holder;
          if (mine) d.locks.delete(key);
          return { result: undefined, changed: mine };
        });
      return { result: release, changed: true };
    });
  }

  consumeOnce(key: string, ttlMs: number): Promise<boolean> {
    return this.#change((data, now) => {
      const until = data.once.get(key);
      if (until !== undefined && until > now) return { result: false, changed: false };
      data.once.set(key, now + ttlMs);
      return { result: true, changed: true };
    });
  }

  /** Nothing to release: the store holds no handle between calls. */
  async close(): Promise<void> {}

  /** Queues `change`; changes queued while another write runs are applied together in one write. */
  #change<T>(change: Change<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ change: change as Change<unknown>, resolve: resolve as (value: unknown) => void, reject });
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
        try {
          await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
          const release = await lockFile(this.#lockPath, this.#lockTimeoutMs);
          try {
            const data = await this.#read();
            const now = this.#now();
            let changed = false;
            for (const pending of batch) {
              try {
                const outcome = pending.change(data, now);
                changed ||= outcome.changed;
                outcomes.push({ ok: true, value: outcome.result });
              } catch (error) {
                outcomes.push({ ok: false, error });
              }
            }
            if (changed) await this.#write(data, now);
          } finally {
            await release();
          }
        } catch (error) {
          for (const pending of batch) pending.reject(error);
          continue;
        }
        batch.forEach((pending, i) => {
          const outcome = outcomes[i]!;
          if (outcome.ok) pending.resolve(outcome.value);
          else pending.reject(outcome.error);
        });
      }
    } finally {
      this.#flushing = false;
    }
  }

  async #read(): Promise<TokenFileData> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { tokens: new Map(), sessions: new Map(), once: new Map(), locks: new Map() };
      throw error;
    }
    return parseTokenFile(text, this.path);
  }

  async #write(data: TokenFileData, now: number): Promise<void> {
    const live = <V extends { readonly expiresAt: number }>(m: Map<string, V>) => [...m.values()].filter((v) => v.expiresAt > now);
    const file = {
      version: 1,
      tokens: live(data.tokens),
      sessions: live(data.sessions),
      once: [...data.once].filter(([, until]) => until > now).map(([key, until]) => ({ key, until })),
      locks: [...data.locks.values()].filter((l) => l.until > now),
    };
    const temporary = `${this.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'wx', 0o600);
    try {
      try {
        await handle.chmod(0o600);
        await handle.writeFile(`${JSON.stringify(file, null, 2)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }
}

/** Reads a token file's text. @throws Error naming the file when it is not a version-1 token file. */
function parseTokenFile(text: string, path: string): TokenFileData {
  const fail = (why: string) => new Error(`${path} is not a threads-auth token file (${why}); move it away and run \`threads-auth login\``);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw fail('not JSON');
  }
  if (typeof raw !== 'object' || raw === null || raw['version'] !== 1) throw fail('no "version": 1');
  const list = (name: string) => (Array.isArray(raw[name]) ? (raw[name] as Record<string, unknown>[]) : []);
  const tokens = new Map<string, StoredToken>();
  for (const t of list('tokens')) {
    if (!isString(t['userId']) || !isString(t['sealed']) || !isNumber(t['issuedAt']) || !isNumber(t['expiresAt'])) throw fail('a malformed token');
    tokens.set(t['userId'], { userId: t['userId'], sealed: t['sealed'], issuedAt: t['issuedAt'], expiresAt: t['expiresAt'] });
  }
  const sessions = new Map<string, StoredSession>();
  for (const s of list('sessions')) {
    if (isString(s['id']) && isString(s['userId']) && isNumber(s['expiresAt'])) sessions.set(s['id'], { id: s['id'], userId: s['userId'], expiresAt: s['expiresAt'] });
  }
  const once = new Map<string, number>();
  for (const o of list('once')) if (isString(o['key']) && isNumber(o['until'])) once.set(o['key'], o['until']);
  const locks = new Map<string, HeldLock>();
  for (const l of list('locks')) {
    if (isString(l['key']) && isNumber(l['until']) && isString(l['holder']) && isNumber(l['pid']) && isString(l['host'])) {
      locks.set(l['key'], { key: l['key'], until: l['until'], holder: l['holder'], pid: l['pid'], host: l['host'] });
    }
  }
  return { tokens, sessions, once, locks };
}
