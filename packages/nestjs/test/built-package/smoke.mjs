// The published ESM build in a Nest app written without TypeScript: decorators applied by hand, no metadata
// from the app. Prints what the app answered as one JSON line. Run by ../package.test.ts after `pnpm build`.
import 'reflect-metadata';
import { Controller, Get, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ThreadsAuthGuard, ThreadsAuthModule, ThreadsAuthService, ThreadsToken } from '@threads-auth/nestjs';
import { startFakeThreads } from '@threads-auth/testing';
import { run } from './smoke-app.cjs';
// `node smoke.* fastify`: the same app on @nestjs/platform-fastify.
const { FastifyAdapter } = process.argv[2] === 'fastify' ? await import('@nestjs/platform-fastify') : {};

console.log(JSON.stringify(await run({ platform: FastifyAdapter === undefined ? undefined : new FastifyAdapter(), Controller, Get, Module, UseGuards, NestFactory, ThreadsAuthGuard, ThreadsAuthModule, ThreadsAuthService, ThreadsToken, startFakeThreads })));
