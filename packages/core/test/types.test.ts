/**
 * The public surface's types. Checked by `tsc` (the package's typecheck runs over test/); the runtime assertions
 * keep vitest honest about the values.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { type ErrorTableEntry, type Outcome, type ThreadsAuth, type ThreadsAuthFault, type ThreadsAuthErrorCode, type ThreadsToken, type TokenStore, type UpkeepReport, type UpkeepRunner, ThreadsAuthError, createThreadsAuth, ERROR_TABLE } from '../src/index.js';

describe('public types', () => {
  it('narrows outcomes on type', () => {
    const handle = (outcome: Outcome) => {
      switch (outcome.type) {
        case 'redirect':
          expectTypeOf(outcome.location).toEqualTypeOf<string>();
          break;
        case 'pass':
          expectTypeOf(outcome.token).toEqualTypeOf<ThreadsToken | undefined>();
          // @ts-expect-error a pass outcome has no body
          void outcome.body;
          break;
        case 'error':
          expectTypeOf(outcome.error).toEqualTypeOf<ThreadsAuthError>();
          break;
        case 'respond':
          expectTypeOf(outcome.body).toEqualTypeOf<string>();
          break;
        default:
          expectTypeOf(outcome).toEqualTypeOf<never>();
      }
    };
    expectTypeOf(handle).parameter(0).toEqualTypeOf<Outcome>();
  });

  it('types the token and the instance', () => {
    expectTypeOf<ThreadsToken['userId']>().toEqualTypeOf<string>();
    expectTypeOf<ThreadsToken['expiresAt']>().toEqualTypeOf<Date>();
    expectTypeOf<ThreadsAuth['getToken']>().returns.toEqualTypeOf<Promise<ThreadsToken | null>>();
    expectTypeOf(createThreadsAuth).returns.toEqualTypeOf<ThreadsAuth>();
    // @ts-expect-error scopes is a string[], not a comma-joined string
    expectTypeOf(createThreadsAuth).toBeCallableWith({ clientId: '1', clientSecret: 's', redirectUri: 'https://a/cb', secret: 'x'.repeat(32), scopes: 'threads_basic' });
  });

  it('gives adapters one entry point, synchronous until I/O is needed', () => {
    expectTypeOf<ThreadsAuth['dispatch']>().returns.toEqualTypeOf<Outcome | Promise<Outcome>>();
    expectTypeOf<ThreadsAuth['handle']>().returns.toEqualTypeOf<Promise<Outcome>>();
    // @ts-expect-error handleSync was replaced by dispatch
    expectTypeOf<ThreadsAuth['handleSync']>().toBeUnknown();
  });

  it('closes the error set', () => {
    expectTypeOf<ThreadsAuthError['code']>().toEqualTypeOf<ThreadsAuthErrorCode>();
    expectTypeOf(ERROR_TABLE).toEqualTypeOf<Readonly<Record<ThreadsAuthErrorCode, ErrorTableEntry>>>();
    expectTypeOf<ErrorTableEntry>().toEqualTypeOf<{ readonly status: number; readonly message: string; readonly fault: ThreadsAuthFault; readonly fix: string }>();
    // @ts-expect-error not a code
    const notACode = () => new ThreadsAuthError('something_else');
    expectTypeOf(notACode).returns.toEqualTypeOf<ThreadsAuthError>();
  });

  it('lets a custom store implement only the required methods', () => {
    const store: TokenStore = {
      get: async () => null,
      set: async () => {},
      delete: async () => false,
      listDue: async () => [],
    };
    expectTypeOf(store.acquireLock).toEqualTypeOf<TokenStore['acquireLock']>();
  });
  it('types the upkeep: counts and a bounded failure list, a runner that needs every', () => {
    expectTypeOf<ThreadsAuth['refreshDue']>().returns.resolves.toEqualTypeOf<UpkeepReport>();
    expectTypeOf<UpkeepReport['refreshed']>().toEqualTypeOf<number>();
    expectTypeOf<UpkeepReport['ended']>().toEqualTypeOf<'done' | 'aborted' | 'rate_limited'>();
    expectTypeOf<UpkeepReport['failures'][number]['userId']>().toEqualTypeOf<string>();
    expectTypeOf<ThreadsAuth['startUpkeep']>().returns.toEqualTypeOf<UpkeepRunner>();
    // @ts-expect-error startUpkeep needs `every`
    const bad: Parameters<ThreadsAuth['startUpkeep']>[0] = { concurrency: 4 };
    expectTypeOf(bad).not.toBeAny();
  });
});
