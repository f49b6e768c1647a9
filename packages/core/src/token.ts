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
