// The published CommonJS build (which require()s NestJS 12, an ES module, as Node >= 20.19 allows) in a Nest
// app written without TypeScript. Prints what the app answered as one JSON line. Run by ../package.test.ts.
require('reflect-metadata');
const { Controller, Get, Module, UseGuards } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ThreadsAuthGuard, ThreadsAuthModule, ThreadsAuthService, ThreadsToken } = require('@threads-auth/nestjs');
const { startFakeThreads } = require('@threads-auth/testing');
const { run } = require('./smoke-app.cjs');
// `node smoke.* fastify`: the same app on @nestjs/platform-fastify.
const { FastifyAdapter } = process.argv[2] === 'fastify' ? require('@nestjs/platform-fastify') : {};

run({ platform: FastifyAdapter === undefined ? undefined : new FastifyAdapter(), Controller, Get, Module, UseGuards, NestFactory, ThreadsAuthGuard, ThreadsAuthModule, ThreadsAuthService, ThreadsToken, startFakeThreads }).then(
  (result) => console.log(JSON.stringify(result)),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
