/**
 * Upkeep workers on one shared store: two instances, each with its own connection to the same store, run
 * `refreshDue` at the same time against the fake Threads over real HTTP. Every token is refreshed exactly
 * once (counted by the fake), a token Meta refuses is revoked once, and what one worker holds or has done
 * is `skipped` by the other, never `failed`. Run by each shared store's package against its real server.
 *
 * @module
 */
import { createThreadsAuth, type ThreadsAuth, type TokenStore } from '@threads-auth/core';
import { type FakeThreads, startFakeThreads } from '@threads-auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeUnavailable } from './store-contract.js';

/** Two stores on one shared backend (same table or key prefix, separate connections), and how to dispose of them. */
export interface SharedStores {
  readonly stores: readonly [TokenStore, TokenStore];
  cleanup(): Promise<void>;
}

const DAY = 86_400_000;
const USERS = 120;
const REVOKED = 5;

/**
 * Registers the two-worker suite for `name`. When `unavailable` says why the server cannot be reached, registers
 * the placeholder instead (skipped locally, failing under CI, as the store contract does).
 */
export function describeUpkeepWorkers(name: string, unavailable: string | undefined, setup: () => Promise<SharedStores>): void {
  if (unavailable !== undefined) {
    describeUnavailable(`${name}: upkeep workers on one store`, unavailable);
    return;
  }
  let fake: FakeThreads;
  let shared: SharedStores;
  let workers: ThreadsAuth[];
  const userOfToken = new Map<string, string>();
  const users = Array.from({ length: USERS }, (_, i) => ({ id: `1784140${String(i).padStart(10, '0')}`, username: `u${i}` }));

  describe(`${name}: upkeep workers on one store`, () => {
    beforeAll(async () => {
      shared = await setup();
      fake = await startFakeThreads({ users, latencyMs: 5 });
      workers = shared.stores.map((store) =>
        createThreadsAuth({
          clientId: fake.clientId,
          clientSecret: fake.clientSecret,
          redirectUri: 'http://127.0.0.1:3000/auth/threads/callback',
          secret: 'upkeep-workers-secret-0123456789-abcdef',
          authorizationUrl: fake.authorizationUrl,
          graphUrl: fake.url,
          store,
          retry: { delayMs: 1 },
        }),
      );
      // 58 days old, 2 days left: past every token's refresh point.
      for (const user of users) {
        const issued = fake.issueLongLivedToken({ userId: user.id, issuedAt: Date.now() - 58 * DAY, expiresInSeconds: 60 * 86_400 });
        userOfToken.set(issued.accessToken, user.id);
        await workers[0]!.adoptToken({ accessToken: issued.accessToken, userId: user.id });
      }
      for (const user of users.slice(0, REVOKED)) fake.revokeUser(user.id);
    });
    afterAll(async () => {
      await fake?.close();
      await shared?.cleanup();
    });

    it('refreshes each token exactly once; what the other worker holds or did is skipped, not failed', async () => {
      const reports = await Promise.all(workers.map((auth) => auth.refreshDue({ concurrency: 8, pageSize: 25 })));
      const perUser = new Map<string, number>();
      for (const call of fake.callsTo('refresh')) {
        const userId = userOfToken.get(call.query['access_token'] ?? '') ?? 'unknown';
        perUser.set(userId, (perUser.get(userId) ?? 0) + 1);
      }
      expect(perUser.get('unknown')).toBeUndefined();
      expect(perUser.size).toBe(USERS);
      expect([...perUser.values()].every((n) => n === 1)).toBe(true);
      expect(reports.reduce((n, r) => n + r.refreshed, 0)).toBe(USERS - REVOKED);
      expect(reports.reduce((n, r) => n + r.revoked, 0)).toBe(REVOKED);
      for (const r of reports) {
        expect(r).toMatchObject({ failed: 0, ended: 'done' });
        expect(r.refreshed + r.revoked + r.skipped + r.notDue).toBe(r.listed);
      }
      // Both took part: the lock spread the work instead of one worker doing it all and the other failing.
      expect(reports.every((r) => r.refreshed > 0)).toBe(true);
      // A second run of both finds nothing due.
      const again = await Promise.all(workers.map((auth) => auth.refreshDue()));
      expect(again.map((r) => r.listed)).toEqual([0, 0]);
      expect(fake.callsTo('refresh')).toHaveLength(USERS);
    });
  });
}
