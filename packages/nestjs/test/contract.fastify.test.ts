/**
 * The shared adapter contract, run against a NestJS application on `@nestjs/platform-fastify`, built exactly as
 * the Express one (test/contract.test.ts): ThreadsAuthModule.forRoot, @ThreadsToken(), ThreadsAuthGuard and
 * @RequireThreadsScopes(). The `nest11` and `nest12` vitest projects run it once per NestJS major.
 */
import { createServer, type RequestListener } from 'node:http';
import { type ArgumentsHost, Catch, Controller, Get, HttpException, Inject, Module, UseGuards } from '@nestjs/common';
import { APP_FILTER, BaseExceptionFilter, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { contractMeBody, describeAdapterContract } from '@threads-auth/contract-tests/adapter';
import { RequireThreadsScopes, ThreadsAuthGuard, ThreadsAuthModule, ThreadsAuthService, ThreadsToken } from '../src/index.js';

@Controller()
class ContractController {
  constructor(@Inject(ThreadsAuthService) private readonly threads: ThreadsAuthService) {}

  /** A ThreadsAuthError thrown here goes to Nest's exception filters. */
  @Get('app-token')
  async appToken(): Promise<string> {
    await this.threads.getAppToken();
    return 'ok';
  }

  @Get('me')
  me(@ThreadsToken() token: ThreadsToken | undefined) {
    return contractMeBody(token);
  }

  @Get('protected')
  @UseGuards(ThreadsAuthGuard)
  protected(): string {
    return 'ok';
  }

  @Get('publish')
  @UseGuards(ThreadsAuthGuard)
  @RequireThreadsScopes('threads_content_publish')
  publish(): string {
    return 'published';
  }
}

describeAdapterContract(`NestJS ${process.env['NEST_MAJOR']} on Fastify`, async (auth, { bodyParser, parser, prefix, onError }) => {
  /** The app's error channel: every unexpected error reaches `onError`, then Nest answers 500. */
  @Catch()
  class ErrorChannel extends BaseExceptionFilter {
    override catch(exception: unknown, host: ArgumentsHost): void {
      if (!(exception instanceof HttpException)) onError(exception);
      super.catch(exception, host);
    }
  }

  @Module({
    imports: [ThreadsAuthModule.forRoot(auth)],
    controllers: [ContractController],
    providers: [{ provide: APP_FILTER, useClass: ErrorChannel }],
  })
  class AppModule {}

  let listener: RequestListener | undefined;
  // serverFactory hands over Fastify's own request handler; the suite's server then calls it.
  const adapter = new FastifyAdapter({
    serverFactory: (handler: RequestListener) => {
      listener = handler;
      return createServer(handler);
    },
  });
  // Nest's default parsers (json + urlencoded), or only the one the variant names (`text`/`raw`: every type).
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { bodyParser: bodyParser && parser === undefined, logger: false, abortOnError: false });
  if (bodyParser && (parser === 'text' || parser === 'raw')) {
    app.getHttpAdapter().getInstance().addContentTypeParser('*', { parseAs: parser === 'text' ? 'string' : 'buffer' }, (_request, body, done) => done(null, body));
  }
  if (prefix !== undefined) app.setGlobalPrefix(prefix.slice(1));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { listener: listener!, close: () => app.close() };
});
