/**
 * Everything the fake has issued: authorization codes and tokens, with their issue and expiry times on
 * the fake clock. Codes and tokens survive {@link FakeThreads.reset}; only a new fake forgets them.
 *
 * @module
 */

import { randomBytes } from 'node:crypto';

/** What a token is for, which decides the endpoints that accept it. */
export type TokenKind = 'short-lived' | 'long-lived' | 'app';

/** One issued token. Times are milliseconds on the fake clock. */
export interface TokenGrant {
  readonly token: string;
  readonly kind: TokenKind;
  /** Absent for app tokens. */
  readonly userId?: string;
  readonly scopes: readonly string[];
  readonly issuedAt: number;
  /** `Infinity` for app tokens, which do not expire. */
  readonly expiresAt: number;
  revoked: boolean;
}

/** One authorization code, bound to everything the authorize request asked for. */
export interface CodeGrant {
  readonly code: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  readonly userId: string;
  readonly expiresAt: number;
  used: boolean;
}

/** What a token lookup found, in the order the Graph API checks it. */
export type TokenStatus =
  | { readonly state: 'unknown' }
  | { readonly state: 'revoked'; readonly grant: TokenGrant }
  | { readonly state: 'expired'; readonly grant: TokenGrant }
  | { readonly state: 'valid'; readonly grant: TokenGrant };

/** Codes are valid for one hour (DOC-AUTH). */
const CODE_TTL_MS = 60 * 60 * 1000;

/** base64url of `bytes` random bytes. */
function randomPart(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** The store of issued codes and tokens, read against the fake clock. */
export class TokenLedger {
  readonly #codes = new Map<string, CodeGrant>();
  readonly #tokens = new Map<string, TokenGrant>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Issues a single-use code, valid for one hour, for what the user consented to. */
  issueCode(grant: Omit<CodeGrant, 'code' | 'expiresAt' | 'used'>): string {
    // Real codes start with `AQ`; a test copying one from a log then looks at a familiar shape.
    const code = `AQ${randomPart(48)}`;
    this.#codes.set(code, { ...grant, code, expiresAt: this.#now() + CODE_TTL_MS, used: false });
    return code;
  }

  /** The code's grant if it exists, is unused and unexpired; otherwise `undefined`. Does not consume it. */
  findCode(code: string): CodeGrant | undefined {
    const grant = this.#codes.get(code);
    if (grant === undefined || grant.used || this.#now() >= grant.expiresAt) return undefined;
    return grant;
  }

  /** Marks a code used, so every later exchange of it fails. */
  consumeCode(grant: CodeGrant): void {
    grant.used = true;
  }

  /** Issues a user token of `kind` for `userId`, valid `ttlSeconds` from `issuedAt`. */
  issueUserToken(
    kind: 'short-lived' | 'long-lived',
    input: { userId: string; scopes: readonly string[]; issuedAt: number; ttlSeconds: number },
  ): TokenGrant {
    // Long-lived tokens are longer, as Meta's are, so the two are never mistaken for each other.
    const token = kind === 'short-lived' ? `TH${randomPart(72)}` : `TH${randomPart(144)}`;
    const grant: TokenGrant = {
      token,
      kind,
      userId: input.userId,
      scopes: Object.freeze([...input.scopes]),
      issuedAt: input.issuedAt,
      expiresAt: input.issuedAt + input.ttlSeconds * 1000,
      revoked: false,
    };
    this.#tokens.set(token, grant);
    return grant;
  }

  /** Issues an app token `TH|<clientId>|<random>` from the client_credentials grant. It does not expire. */
  issueAppToken(clientId: string): TokenGrant {
    const grant: TokenGrant = {
      token: `TH|${clientId}|${randomPart(24)}`,
      kind: 'app',
      scopes: Object.freeze([]),
      issuedAt: this.#now(),
      expiresAt: Number.POSITIVE_INFINITY,
      revoked: false,
    };
    this.#tokens.set(grant.token, grant);
    return grant;
  }

  /** Looks a token up and says whether it is unknown, revoked, expired or valid right now. */
  inspect(token: string): TokenStatus {
    const grant = this.#tokens.get(token);
    if (grant === undefined) return { state: 'unknown' };
    if (grant.revoked) return { state: 'revoked', grant };
    if (this.#now() >= grant.expiresAt) return { state: 'expired', grant };
    return { state: 'valid', grant };
  }

  /** Revokes every token and unused code the user holds, as removing the app in Threads settings does. */
  revokeUser(userId: string): void {
    for (const grant of this.#tokens.values()) {
      if (grant.userId === userId) grant.revoked = true;
    }
    for (const grant of this.#codes.values()) {
      if (grant.userId === userId) grant.used = true;
    }
  }
}
