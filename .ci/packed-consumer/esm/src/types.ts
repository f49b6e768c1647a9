/**
 * Every published package resolves with types under `module: nodenext` from an ESM consumer, and its main exports
 * are what the READMEs say. Type-checked only.
 */
import { createThreadsAuth, MemoryTokenStore, ThreadsAuthError } from '@threads-auth/core';
import { threadsAuth as expressThreadsAuth } from '@threads-auth/express';
import { threadsAuth as koaThreadsAuth } from '@threads-auth/koa';
import { ThreadsAuthGuard, ThreadsAuthModule } from '@threads-auth/nestjs';
import { PostgresTokenStore } from '@threads-auth/postgres';
import { RedisTokenStore } from '@threads-auth/redis';
import { startFakeThreads } from '@threads-auth/testing';

export const exported = [createThreadsAuth, MemoryTokenStore, ThreadsAuthError, expressThreadsAuth, koaThreadsAuth, ThreadsAuthGuard, ThreadsAuthModule, PostgresTokenStore, RedisTokenStore, startFakeThreads];
