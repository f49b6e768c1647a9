// One app for smoke.mjs and smoke.cjs, built from whichever build of the package they loaded.
exports.run = async ({ platform, Controller, Get, Module, UseGuards, NestFactory, ThreadsAuthGuard, ThreadsAuthModule, ThreadsAuthService, ThreadsToken, startFakeThreads }) => {
  const fake = await startFakeThreads();
  class AppController {
    me(token) {
      return { userId: token === undefined ? null : token.userId };
    }
    guarded() {
      return 'ok';
    }
  }
  const method = (name) => Object.getOwnPropertyDescriptor(AppController.prototype, name);
  Reflect.decorate([Get('me')], AppController.prototype, 'me', method('me'));
  ThreadsToken()(AppController.prototype, 'me', 0);
  Reflect.decorate([Get('protected'), UseGuards(ThreadsAuthGuard)], AppController.prototype, 'guarded', method('guarded'));
  Controller()(AppController);

  class AppModule {}
  Module({
    imports: [
      ThreadsAuthModule.forRoot({
        clientId: fake.clientId,
        clientSecret: fake.clientSecret,
        redirectUri: 'http://127.0.0.1/auth/threads/callback',
        secret: 'smoke-test-session-secret-0123456789abcdef',
        authorizationUrl: fake.authorizationUrl,
        graphUrl: fake.url,
      }),
    ],
    controllers: [AppController],
  })(AppModule);

  // `platform`: a FastifyAdapter instance for @nestjs/platform-fastify; Express (Nest's default) without one.
  const app = platform === undefined ? await NestFactory.create(AppModule, { logger: false, abortOnError: false }) : await NestFactory.create(AppModule, platform, { logger: false, abortOnError: false });
  try {
    await app.listen(0, '127.0.0.1');
    const origin = `http://127.0.0.1:${app.getHttpServer().address().port}`;
    const login = await fetch(`${origin}/auth/threads/login`, { redirect: 'manual' });
    const guarded = await fetch(`${origin}/protected`);
    return {
      nest: require('@nestjs/core/package.json').version.split('.')[0],
      platform: app.getHttpAdapter().getType(),
      service: typeof app.get(ThreadsAuthService).getToken,
      me: await (await fetch(`${origin}/me`)).json(),
      login: { status: login.status, toFake: (login.headers.get('location') ?? '').startsWith(fake.authorizationUrl) },
      guarded: { status: guarded.status, body: await guarded.text() },
    };
  } finally {
    await app.close();
    await fake.close();
  }
};
