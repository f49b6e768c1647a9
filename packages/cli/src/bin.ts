#!/usr/bin/env node
/**
 * The `threads-auth` executable.
 *
 * @module
 */
import { runCli } from './cli.js';

// Overwrites the argv memory `ps` shows, so that an --app-secret or --token passed as a flag is not listed
// for other users of the machine while the command runs.
process.title = `threads-auth ${process.argv[2] ?? ''}`.trim();

runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`threads-auth: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
