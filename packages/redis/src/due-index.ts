/**
 * The `due` index of `RedisTokenStore`: a sorted set whose members all score 0 and read
 * `<expiresAt, 16 zero-padded digits>:<userId>`, so Redis' lexicographic (byte) order of members is exactly the
 * listing order of `TokenStore.listDue` — `expiresAt`, then `userId` — and a keyset cursor is one exclusive
 * lower bound of `ZRANGEBYLEX` (O(log N + M)), exact however many tokens share one expiry.
 *
 * @module
 */
import type { DueQuery } from '@threads-auth/core';

/** Wide enough for `Number.MAX_SAFE_INTEGER`; a millisecond clock needs 13 digits until the year 2286. */
const WIDTH = 16;
const MAX = Number.MAX_SAFE_INTEGER;

/** The fixed-width expiry part of a member. `:` sorts before `;`, which closes the range of one expiry. */
function instant(ms: number): string {
  return String(Math.floor(ms)).padStart(WIDTH, '0');
}

/** The index member of a token expiring at `expiresAt` (ms, ≥ 0) for `userId`. */
export function dueMember(expiresAt: number, userId: string): string {
  return `${instant(expiresAt)}:${userId}`;
}

/** The user id of an index member. */
export function memberUserId(member: string): string {
  return member.slice(WIDTH + 1);
}

/** A `ZRANGEBYLEX` bound: `-`, `+`, `[member` (inclusive) or `(member` (exclusive). */
export type LexBound = string;

/** The exclusive upper bound below every member that expires at or before `ms`: `(<ms>;`. */
export function endOfExpiry(ms: number): LexBound {
  if (ms === Number.POSITIVE_INFINITY || ms >= MAX) return '+';
  if (!(ms >= 0)) return '-';
  return `(${instant(ms)};`;
}

/**
 * The bounds of `ZRANGEBYLEX` for `query`: after `expiresAfter` (exclusive), after the cursor `query.after`
 * (exclusive) when it lies further on, up to `expiresBefore` (inclusive). A fractional bound widens the range by
 * less than a millisecond; the store judges every record by its own times anyway.
 */
export function dueRange(query: DueQuery): { readonly min: LexBound; readonly max: LexBound } {
  const max = endOfExpiry(query.expiresBefore);
  const after = query.expiresAfter;
  let min: LexBound;
  if (after === Number.NEGATIVE_INFINITY || !(after >= 0)) min = '-';
  else if (after >= MAX) min = '+';
  else min = Number.isInteger(after) ? `[${instant(after)};` : `[${instant(after)}:`;
  const cursor = query.after;
  if (cursor !== undefined && Number.isFinite(cursor.expiresAt) && cursor.expiresAt >= 0) {
    const exclusive = `(${dueMember(cursor.expiresAt, cursor.userId)}`;
    if (laterBound(exclusive, min)) min = exclusive;
  }
  return { min, max };
}

/** True when the lower bound `a` starts later than `b` (both `-`, `+`, `[…` or `(…`), in Redis' byte order. */
function laterBound(a: LexBound, b: LexBound): boolean {
  if (b === '-') return a !== '-';
  if (b === '+' || a === '-') return false;
  if (a === '+') return true;
  const order = Buffer.compare(Buffer.from(a.slice(1)), Buffer.from(b.slice(1)));
  // On the same member an exclusive bound starts later than an inclusive one.
  return order > 0 || (order === 0 && a[0] === '(' && b[0] === '[');
}

/** Compares two `(expiresAt, userId)` pairs in index order: expiry, then the user id's UTF-8 bytes. */
export function compareDue(a: { readonly expiresAt: number; readonly userId: string }, b: { readonly expiresAt: number; readonly userId: string }): number {
  return a.expiresAt - b.expiresAt || Buffer.compare(Buffer.from(a.userId), Buffer.from(b.userId));
}
