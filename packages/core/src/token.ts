/**
 * A user's Threads token as threads-auth hands it to an app: `req.threadsToken`,
 * `ctx.state.threadsToken`, `@ThreadsToken()`, and what `getToken(userId)` resolves to.
 */
export interface ThreadsToken {
  /** The long-lived access token, to call the Threads Graph API with. Never log it. */
  readonly accessToken: string;
  /** The Threads user id (app-scoped), exact, as a string. */
  readonly userId: string;
  /** The permissions the user actually granted, e.g. `['threads_basic', 'threads_content_publish']`. */
  readonly scopes: readonly string[];
  /** When this token was issued (by the long-lived exchange or the last refresh). */
  readonly issuedAt: Date;
  /** When this token expires; refresh it before then (threads-auth does so automatically). */
  readonly expiresAt: Date;
}

/** The plain, serialisable form of a token that threads-auth seals into cookies and stores. */
export interface TokenRecord {
  readonly accessToken: string;
  readonly userId: string;
  readonly scopes: readonly string[];
  /** Milliseconds since the epoch. */
  readonly issuedAt: number;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** Builds the frozen public {@link ThreadsToken} from a {@link TokenRecord}. */
export function toThreadsToken(record: TokenRecord): ThreadsToken {
  return Object.freeze({
    accessToken: record.accessToken,
    userId: record.userId,
    scopes: Object.freeze([...record.scopes]),
    issuedAt: new Date(record.issuedAt),
    expiresAt: new Date(record.expiresAt),
  });
}

/**
 * The {@link TokenRecord} of a {@link ThreadsToken} given by an app (`importToken`), checked field by field.
 *
 * @throws TypeError naming the first malformed field.
 */
export function toTokenRecord(token: ThreadsToken): TokenRecord {
  const t = (token ?? {}) as Partial<Record<keyof ThreadsToken, unknown>>;
  const fail = (field: string, expected: string) => {
    throw new TypeError(`threads-auth: importToken: token.${field} must be ${expected}.`);
  };
  if (typeof t.accessToken !== 'string' || t.accessToken === '') fail('accessToken', 'a non-empty string');
  if (typeof t.userId !== 'string' || !/^\d+$/.test(t.userId)) fail('userId', 'the Threads user id, a string of digits');
  if (!Array.isArray(t.scopes) || !t.scopes.every((s) => typeof s === 'string')) fail('scopes', 'an array of strings');
  const issuedAt = t.issuedAt instanceof Date ? t.issuedAt.getTime() : Number.NaN;
  const expiresAt = t.expiresAt instanceof Date ? t.expiresAt.getTime() : Number.NaN;
  if (!Number.isFinite(issuedAt)) fail('issuedAt', 'a valid Date');
  if (!Number.isFinite(expiresAt) || expiresAt <= issuedAt) fail('expiresAt', 'a valid Date after issuedAt');
  return { accessToken: t.accessToken as string, userId: t.userId as string, scopes: [...(t.scopes as string[])], issuedAt, expiresAt };
}
