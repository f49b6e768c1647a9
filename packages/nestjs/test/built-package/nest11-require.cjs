// Preloaded with `node --require` by ../package.test.ts: makes every require of @nestjs/* (the app's, the CJS
// build's and NestJS's own) resolve to the NestJS 11 install of test-nest11/, as in a CommonJS NestJS 11 app.
const Module = require('node:module');
const path = require('node:path');

const manifest = require.resolve('@threads-auth/nestjs-test-nest11/package.json');
/** A module located in test-nest11's install, whose node_modules hold NestJS 11. */
const nest11 = new Module(manifest);
nest11.filename = manifest;
nest11.paths = Module._nodeModulePaths(path.dirname(manifest));

const resolve = Module._resolveFilename;
Module._resolveFilename = function resolveNest11(request, parent, ...rest) {
  const from = /^@nestjs\/(common|core|platform-express|platform-fastify)(\/|$)/.test(request) ? nest11 : parent;
  return resolve.call(this, request, from, ...rest);
};
