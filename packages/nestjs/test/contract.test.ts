/**
 * The shared adapter contract, run against a NestJS application (platform-express) built the way the
 * README shows: ThreadsAuthModule.forRoot, @ThreadsToken(), ThreadsAuthGuard and @RequireThreadsScopes().
 * The `nest11` and `nest12` vitest projects run it once per NestJS major.
 */
import { type ArgumentsHost, Catch, Controller, Get, HttpException, Inject, Module, UseGuards } from '@nestjs/common';
import { APP_FILTER, BaseExceptionFilter, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
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

describeAdapterContract(`NestJS ${process.env['NEST_MAJOR']}`, async (auth, { bodyParser, parser, prefix, onError }) => {
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

  // Nest's default parsers (json + urlencoded), or only the one the variant names.
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: bodyParser && parser === undefined, logger: false, abortOnError: false });
  if (bodyParser && parser !== undefined) app.useBodyParser(parser, parser === 'json' ? {} : { type: '*/*' });
  if (prefix !== undefined) app.setGlobalPrefix(prefix.slice(1));
  await app.init();
  return { listener: app.getHttpAdapter().getInstance(), close: () => app.close() };
});
