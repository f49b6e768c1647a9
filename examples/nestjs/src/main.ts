/**
 * Sign in with Threads in a NestJS app. Without THREADS_APP_ID / THREADS_APP_SECRET / THREADS_REDIRECT_URI it
 * starts a local fake of Threads so the flow can be clicked through on this machine.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RequireThreadsScopes, ThreadsAuthGuard, ThreadsAuthModule, ThreadsToken } from '@threads-auth/nestjs';
import { startFakeThreads } from '@threads-auth/testing';

const port = Number(process.env.PORT ?? 3002);

@Controller()
class HomeController {
  @Get()
  home(@ThreadsToken() token: ThreadsToken | undefined): string {
    return token
      ? `<p>Signed in as <code>${token.userId}</code>.</p><form method="post" action="/auth/threads/logout"><button>Sign out</button></form>`
      : '<p><a href="/auth/threads/login">Sign in with Threads</a></p>';
  }

  @Get('api/me')
  @UseGuards(ThreadsAuthGuard)
  @RequireThreadsScopes('threads_basic')
  me(@ThreadsToken() token: ThreadsToken): { userId: string; scopes: readonly string[] } {
    return { userId: token.userId, scopes: token.scopes };
  }
}

async function main(): Promise<void> {
  const { THREADS_APP_ID, THREADS_APP_SECRET, THREADS_REDIRECT_URI } = process.env;
  const settings =
    THREADS_APP_ID && THREADS_APP_SECRET && THREADS_REDIRECT_URI
      ? { clientId: THREADS_APP_ID, clientSecret: THREADS_APP_SECRET, redirectUri: THREADS_REDIRECT_URI }
      : await startFakeThreads().then((fake) => ({
          clientId: fake.clientId,
          clientSecret: fake.clientSecret,
          redirectUri: `http://127.0.0.1:${port}/auth/threads/callback`,
          authorizationUrl: fake.authorizationUrl,
          graphUrl: fake.url,
        }));

  @Module({
    imports: [ThreadsAuthModule.forRoot({ ...settings, secret: process.env.SESSION_SECRET ?? randomBytes(32).toString('base64url') })],
    controllers: [HomeController],
  })
  class AppModule {}

  const app = await NestFactory.create(AppModule);
  await app.listen(port, '127.0.0.1');
  console.log(`threads-auth NestJS demo: http://127.0.0.1:${port}/`);
}

void main();
