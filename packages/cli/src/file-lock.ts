/**
 * The one cross-process mutual exclusion of a token file: a lock file beside it, created exclusively
 * (`O_CREAT|O_EXCL`), held only for the milliseconds of one read-modify-write, and taken over when its holder
 * died (its process is gone on this host) or held it implausibly long (a crash on another host sharing the
 * file, a frozen process).
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';

/** A write never holds the file lock this long; past it the lock is taken over even from a live process. */
export const STALE_AFTER_MS = 30_000;

interface LockContent {
  readonly pid: number;
  readonly host: string;
  readonly at: number;
  readonly id: string;
}

/** True when `pid` runs on this host (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Unreadable lock content older than this is the leftover of a crash between creating and writing it. */
const UNWRITTEN_AFTER_MS = 5_000;

async function isStale(lockPath: string, raw: string): Promise<boolean> {
  const content = parse(raw);
  if (content === undefined) {
    // Being written right now, or left by a crash at that very moment: only its age tells.
    const modified = await stat(lockPath).then((s) => s.mtimeMs, () => Date.now());
    return Date.now() - modified > UNWRITTEN_AFTER_MS;
  }
  if (Date.now() - content.at > STALE_AFTER_MS) return true;
  return content.host === hostname() && !processAlive(content.pid);
}

function parse(raw: string): LockContent | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockContent>;
    if (typeof value.pid === 'number' && typeof value.host === 'string' && typeof value.at === 'number' && typeof value.id === 'string') {
      return value as LockContent;
    }
  } catch {
    // not (yet) a lock we wrote
  }
  return undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Takes the lock at `lockPath`, waiting at most `timeoutMs`, and resolves its release.
 * @throws Error naming the lock file when it stays held past `timeoutMs`.
 */
export async function lockFile(lockPath: string, timeoutMs: number): Promise<() => Promise<void>> {
  const deadline = Date.now() + timeoutMs;
  const mine: LockContent = { pid: process.pid, host: hostname(), at: Date.now(), id: randomBytes(12).toString('base64url') };
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify({ ...mine, at: Date.now() }));
      } finally {
        await handle.close();
      }
      return () => releaseLock(lockPath, mine.id);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const raw = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (raw === undefined) continue; // released between our attempt and our read
    if (await isStale(lockPath, raw)) {
      await takeOver(lockPath, raw);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`the token file is locked by another process (${lockPath}); if no threads-auth process is running, delete that file`);
    }
    await sleep(delay + Math.random() * delay);
  }
}

/**
 * Removes a stale lock without removing a fresh one that replaced it since we read it: the stale file is
 * moved aside atomically, and if what was moved is not what we judged stale, it is put back.
 */
async function takeOver(lockPath: string, staleRaw: string): Promise<void> {
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // someone else took it over first
  }
  const moved = await readFile(aside, 'utf8').catch(() => staleRaw);
  if (moved !== staleRaw) await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function releaseLock(lockPath: string, id: string): Promise<void> {
  const raw = await readFile(lockPath, 'utf8').catch(() => undefined);
  // Taken over since (we were presumed dead): the lock is someone else's now.
  if (raw === undefined || parse(raw)?.id !== id) return;
  await unlink(lockPath).catch(() => undefined);
}
