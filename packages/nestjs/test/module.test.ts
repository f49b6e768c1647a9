/**
 * NestJS-specific behaviour over real HTTP against the fake Threads server: forRoot and forRootAsync, the
 * global module, the guard and the service in a feature module, a job in a standalone context, @ThreadsToken()
 * when anonymous, the exception channel and loud startup failures.
 */
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  HttpException,
  Injectable,
  Module,
  UseGuards,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { type FakeThreads, startFakeThreads } from '@threads-auth/testing';
import type { Response as ExpressResponse } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createThreadsAuth,
  MemoryTokenStore,
  RequireThreadsScopes,
  type ThreadsAuthOptions,
  ThreadsAuthException,
  ThreadsAuthGuard,
  ThreadsAuthModule,
  ThreadsAuthOptionError,
  ThreadsAuthService,
  ThreadsToken,
} from '../src/index.js';
import { APP_ORIGIN, type RunningApp, startApp, threadsOptions } from './fixtures.js';

const USER_ID = '17841405793187219';

interface MeBody {
  anonymous: boolean;
  token: { userId: string; scopes: string[]; expiresAt: string } | null;
}

@Controller()
class ProfileController {
  @Get('me')
  me(@ThreadsToken() token: ThreadsToken | undefined): MeBody {
    return {
      anonymous: token === undefined,
      token: token === undefined ? null : { userId: token.userId, scopes: [...token.scopes], expiresAt: token.expiresAt.toISOString() },
    };
  }

  @Get('protected')
  @UseGuards(ThreadsAuthGuard)
  protected(@ThreadsToken() token: ThreadsToken): { userId: string } {
    return { userId: token.userId };
  }

  @Get('publish')
  @UseGuards(ThreadsAuthGuard)
  @RequireThreadsScopes('threads_content_publish')
  publish(): { ok: true } {
    return { ok: true };
  }
}

/** A service of a feature module that does not import ThreadsAuthModule. */
@Injectable()
class PostsService {
  constructor(private readonly threads: ThreadsAuthService) {}

  async storedAccessToken(userId: string): Promise<string | undefined> {
    return (await this.threads.getToken(userId))?.accessToken;
  }
}

@Controller('posts')
@UseGuards(ThreadsAuthGuard)
@RequireThreadsScopes('threads_content_publish')
class PostsController {
  constructor(private readonly posts: PostsService) {}

  @Get()
  async list(@ThreadsToken() token: ThreadsToken): Promise<{ sameAsStored: boolean }> {
    return { sameAsStored: (await this.posts.storedAccessToken(token.userId)) === token.accessToken };
  }

  @Get('basic')
  @RequireThreadsScopes()
  basic(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [PostsController], providers: [PostsService] })
class PostsModule {}

/** What a cron job does: refresh every due token, read one. */
@Injectable()
class RefreshJob {
  constructor(private readonly threads: ThreadsAuthService) {}

  run() {
    return this.threads.refreshDue();
  }

  accessToken(userId: string) {
    return this.threads.getToken(userId);
  }
}

function appModule(imports: NonNullable<Parameters<typeof Module>[0]['imports']>, extra: Parameters<typeof Module>[0] = {}) {
  @Module({ imports, controllers: [ProfileController], ...extra })
  class AppModule {}
  return AppModule;
}

let fake: FakeThreads;
let running: RunningApp | undefined;

beforeEach(async () => {
  fake = await startFakeThreads();
});

afterEach(async () => {
  await running?.close();
  running = undefined;
  await fake.close();
});

async function start(...args: Parameters<typeof startApp>): Promise<RunningApp> {
  running = await startApp(...args);
  return running;
}

describe('ThreadsAuthModule.forRoot', () => {
  it('mounts the routes under basePath and sets the token on every route', async () => {
    const { browser } = await start(appModule([ThreadsAuthModule.forRoot(threadsOptions(fake))]));
    const user = browser();

    expect(await user.json<MeBody>('/me')).toEqual({ anonymous: true, token: null });

    const login = await user.fetch('/auth/threads/login');
    expect(login.status).toBe(302);
    expect(login.headers.get('location')).toMatch(new RegExp(`^${fake.authorizationUrl}\\?`));
    const callback = await user.fetch((await fake.approve(login.headers.get('location')!)).replace(/#.*$/, ''));
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/');
    expect(fake.callsTo('code_exchange')).toHaveLength(1);

    const me = await user.json<MeBody>('/me');
    expect(me.anonymous).toBe(false);
    expect(me.token).toMatchObject({ userId: USER_ID, scopes: ['threads_basic'] });
    expect(await user.json('/protected')).toEqual({ userId: USER_ID });
  });

  it('accepts an instance from createThreadsAuth and provides that very instance as ThreadsAuthService', async () => {
    const auth = createThreadsAuth(threadsOptions(fake));
    const { app, browser } = await start(appModule([ThreadsAuthModule.forRoot(auth)]));
    expect(app.get(ThreadsAuthService)).toBe(auth);

    const user = browser();
    await user.signIn(fake);
    expect((await user.json<MeBody>('/me')).token?.userId).toBe(USER_ID);
  });

  it('serves the routes under a custom basePath, beside a global prefix', async () => {
    const { browser } = await start(appModule([ThreadsAuthModule.forRoot(threadsOptions(fake, { basePath: '/api/threads', redirectUri: `${APP_ORIGIN}/api/threads/callback` }))]), (app) =>
      app.setGlobalPrefix('api'),
    );
    const user = browser();
    await user.signIn(fake, '/api/threads/login');
    expect((await user.json<MeBody>('/api/me')).token?.userId).toBe(USER_ID);
    expect((await user.fetch('/auth/threads/login')).status).toBe(404);
  });

  it('makes @ThreadsToken() undefined without a session, and with a session cookie that does not unseal', async () => {
    const { browser } = await start(appModule([ThreadsAuthModule.forRoot(threadsOptions(fake))]));
    const user = browser();
    expect(await user.json<MeBody>('/me')).toEqual({ anonymous: true, token: null });
    user.jar.set('__Host-threads-auth.session', 'not-a-sealed-value');
    user.jar.set('threads-auth.session', 'not-a-sealed-value');
    expect(await user.json<MeBody>('/me')).toEqual({ anonymous: true, token: null });
  });
});

describe('ThreadsAuthModule.forRootAsync', () => {
  it('builds the options with an injected ConfigService', async () => {
    const env = {
      THREADS_APP_ID: fake.clientId,
      THREADS_APP_SECRET: fake.clientSecret,
      THREADS_REDIRECT_URI: `${APP_ORIGIN}/auth/threads/callback`,
      SESSION_SECRET: 'from-config-service-0123456789abcdefghij',
      THREADS_AUTHORIZATION_URL: fake.authorizationUrl,
      THREADS_GRAPH_URL: fake.url,
    };
    const { browser } = await start(
      appModule([
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => env] }),
        ThreadsAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService): ThreadsAuthOptions => ({
            clientId: config.getOrThrow<string>('THREADS_APP_ID'),
            clientSecret: config.getOrThrow<string>('THREADS_APP_SECRET'),
            redirectUri: config.getOrThrow<string>('THREADS_REDIRECT_URI'),
            secret: config.getOrThrow<string>('SESSION_SECRET'),
            authorizationUrl: config.getOrThrow<string>('THREADS_AUTHORIZATION_URL'),
            graphUrl: config.getOrThrow<string>('THREADS_GRAPH_URL'),
            scopes: ['threads_content_publish'],
          }),
        }),
      ]),
    );
    const user = browser();
    expect((await user.fetch('/publish')).status).toBe(401);
    await user.signIn(fake);
    expect((await user.json<MeBody>('/me')).token?.scopes).toEqual(['threads_basic', 'threads_content_publish']);
    expect(await user.json('/publish')).toEqual({ ok: true });
  });

  it('takes an async factory resolving an instance, and useClass with create()', async () => {
    const auth = createThreadsAuth(threadsOptions(fake));
    @Injectable()
    class ThreadsConfig {
      create(): ThreadsAuthOptions {
        return threadsOptions(fake, { basePath: '/login-with-threads', redirectUri: `${APP_ORIGIN}/login-with-threads/callback` });
      }
    }

    const fromFactory = await start(appModule([ThreadsAuthModule.forRootAsync({ useFactory: async () => auth })]));
    expect(fromFactory.app.get(ThreadsAuthService)).toBe(auth);
    await fromFactory.browser().signIn(fake);
    await fromFactory.close();

    const fromClass = await start(appModule([ThreadsAuthModule.forRootAsync({ useClass: ThreadsConfig })]));
    expect(fromClass.app.get(ThreadsAuthService).basePath).toBe('/login-with-threads');
    expect((await fromClass.browser().fetch('/login-with-threads/login')).status).toBe(302);
  });
});

describe('ThreadsAuthGuard', () => {
  it('answers 401 without a token and 403 without a required scope, with the safe message', async () => {
    const { browser } = await start(appModule([ThreadsAuthModule.forRoot(threadsOptions(fake))]));
    const user = browser();

    const anonymous = await user.fetch('/protected');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
    expect(await anonymous.text()).toBe('Sign in with Threads to continue.');

    await user.signIn(fake);
    expect((await user.fetch('/protected')).status).toBe(200);
    const publish = await user.fetch('/publish');
    expect(publish.status).toBe(403);
    expect(await publish.text()).toBe('The Threads permissions granted do not allow this.');
  });

  it('works in a feature module that does not import ThreadsAuthModule, with ThreadsAuthService injected there', async () => {
    const store = new MemoryTokenStore();
    const { browser } = await start(appModule([ThreadsAuthModule.forRoot(threadsOptions(fake, { store, scopes: ['threads_content_publish'] })), PostsModule]));
    const user = browser();
    expect((await user.fetch('/posts')).status).toBe(401);
    await user.signIn(fake);
    expect(await user.json('/posts')).toEqual({ sameAsStored: true });
    expect(await user.json('/posts/basic')).toEqual({ ok: true });
  });

  it('reads the scopes of the controller, replaced by the method: 403 on the controller scope, 200 on the method that needs none', async () => {
    const { browser } = await start(appModule([ThreadsAuthModule.forRoot(threadsOptions(fake, { store: new MemoryTokenStore() })), PostsModule]));
    const user = browser();
    await user.signIn(fake);
    expect((await user.fetch('/posts')).status).toBe(403);
    expect(await user.json('/posts/basic')).toEqual({ ok: true });
  });

  it('throws a ThreadsAuthException that a global filter of the app can render itself, with the ThreadsAuthError as cause', async () => {
    const seen: unknown[] = [];
    @Catch(HttpException)
    class RecordingFilter implements ExceptionFilter {
      catch(exception: HttpException, host: ArgumentsHost) {
        expect(exception).toBeInstanceOf(ThreadsAuthException);
        expect((exception as ThreadsAuthException).error).toBe(exception.cause);
        seen.push(exception.cause);
        host.switchToHttp().getResponse<ExpressResponse>().status(exception.getStatus()).json({ recorded: true });
      }
    }
    const { browser } = await start(appModule([ThreadsAuthModule.forRoot(threadsOptions(fake))]), (app) => app.useGlobalFilters(new RecordingFilter()));
    const response = await browser().fetch('/protected');
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ recorded: true });
    expect(seen).toEqual([expect.objectContaining({ name: 'ThreadsAuthError', code: 'unauthenticated', status: 401 })]);
  });
});

describe('the global module', () => {
  it('with isGlobal: false, is not visible to a module that does not import it', async () => {
    const failure = NestFactory.create(appModule([ThreadsAuthModule.forRoot({ ...threadsOptions(fake), isGlobal: false }), PostsModule]), {
      logger: false,
      abortOnError: false,
    });
    await expect(failure).rejects.toThrow(/PostsService.*ThreadsAuthService|ThreadsAuthService.*PostsService/s);
  });

  it('answers a token store that is down with 503 and Retry-After, and hands other unexpected failures to Nest exception handling', async () => {
    const store = new MemoryTokenStore();
    const { browser } = await start(appModule([ThreadsAuthModule.forRoot(threadsOptions(fake, { store }))]));
    const user = browser();
    await user.signIn(fake);
    // Down, with nothing in memory to answer from: peek cannot tell, get fails.
    store.peek = () => undefined;
    store.get = async () => {
      throw new Error('connection refused');
    };
    const response = await user.fetch('/me');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    // A failure that is not the store's (a bug in a store's peek) reaches Nest's exception handling.
    store.peek = () => {
      throw new Error('store bug');
    };
    const crashed = await user.fetch('/me');
    expect(crashed.status).toBe(500);
    expect(await crashed.json()).toEqual({ statusCode: 500, message: 'Internal server error' });
  });
});

describe('ThreadsAuthService in a job', () => {
  it('reads and refreshes stored tokens from a standalone application context', async () => {
    let clock = Date.UTC(2026, 2, 1, 12);
    const now = () => clock;
    await fake.close();
    fake = await startFakeThreads({ now });
    const auth = createThreadsAuth(threadsOptions(fake, { store: new MemoryTokenStore({ now }), now }));

    const web = await start(appModule([ThreadsAuthModule.forRoot(auth)]));
    await web.browser().signIn(fake);

    @Module({ imports: [ThreadsAuthModule.forRoot(auth)], providers: [RefreshJob] })
    class JobModule {}
    const context = await NestFactory.createApplicationContext(JobModule, { logger: false, abortOnError: false });
    try {
      const job = context.get(RefreshJob);
      const first = await job.accessToken(USER_ID);
      expect(first).toMatchObject({ userId: USER_ID, scopes: ['threads_basic'] });
      expect(await job.run()).toMatchObject({ listed: 0, refreshed: 0, revoked: 0, failed: 0 });

      clock += 57 * 24 * 60 * 60 * 1000; // past every token's point of the window (the upkeep spreads them)
      const result = await job.run();
      expect(result).toMatchObject({ listed: 1, refreshed: 1, failed: 0 });
      expect(fake.callsTo('refresh')).toHaveLength(1);
      const second = await job.accessToken(USER_ID);
      expect(second?.accessToken).not.toBe(first?.accessToken);
      expect(second?.issuedAt.getTime()).toBe(clock);
    } finally {
      await context.close();
    }
  });
});

describe('startup', () => {
  it('fails with the option name when forRoot is given bad options', async () => {
    const failure = NestFactory.create(appModule([ThreadsAuthModule.forRoot({ ...threadsOptions(fake), secret: 'too-short' })]), { logger: false, abortOnError: false });
    await expect(failure).rejects.toThrow(ThreadsAuthOptionError);
    await expect(failure).rejects.toMatchObject({ code: 'ERR_THREADS_AUTH_OPTION', option: 'secret', message: expect.stringContaining('option "secret"') });
  });

  it('fails with the option name when the forRootAsync factory resolves bad options', async () => {
    const failure = NestFactory.create(
      appModule([ThreadsAuthModule.forRootAsync({ useFactory: async () => ({ ...threadsOptions(fake), clientId: '' }) })]),
      { logger: false, abortOnError: false },
    );
    await expect(failure).rejects.toMatchObject({ option: 'clientId', message: expect.stringMatching(/option "clientId" is required/) });
  });

  it('fails on another HTTP platform than Express or Fastify, saying which one', async () => {
    /** Stands in for a third-party platform, which this package does not support. */
    class OtherPlatform extends ExpressAdapter {
      override getType(): string {
        return 'h3';
      }
    }
    const app = await NestFactory.create(appModule([ThreadsAuthModule.forRoot(threadsOptions(fake))]), new OtherPlatform(), { logger: false, abortOnError: false });
    try {
      await expect(app.init()).rejects.toThrow(/needs @nestjs\/platform-express or @nestjs\/platform-fastify; this application runs on "h3"/);
    } finally {
      await app.close();
    }
  });
});
