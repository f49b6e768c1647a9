#!/usr/bin/env node
/**
 * `threads-auth-fake`: runs the fake Threads server until interrupted, for demos and manual testing.
 *
 * ```sh
 * threads-auth-fake [--port 4000] [--host 127.0.0.1] [--client-id ID] [--client-secret SECRET]
 *                   [--redirect-uri URL]... [--auto-approve]
 * ```
 *
 * @module
 */

import { parseArgs } from 'node:util';
import { startFakeThreads } from './server.js';

const USAGE = `Usage: threads-auth-fake [options]

Runs a local fake of Meta's Threads OAuth and Graph endpoints.

Options:
  --port <n>             port to listen on (default 0: any free port)
  --host <host>          interface to listen on (default 127.0.0.1)
  --client-id <id>       Threads App ID to accept (default 1234567890)
  --client-secret <s>    Threads App secret to accept (default fake-threads-app-secret)
  --redirect-uri <url>   allow-listed redirect URI; repeat for several (default: any http(s) URI)
  --auto-approve         skip the consent page and approve as the first user
  -h, --help             show this help
`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'auto-approve': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) {
    process.stdout.write(USAGE);
    return;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  const fake = await startFakeThreads({
    port,
    ...(values.host === undefined ? {} : { host: values.host }),
    ...(values['client-id'] === undefined ? {} : { clientId: values['client-id'] }),
    ...(values['client-secret'] === undefined ? {} : { clientSecret: values['client-secret'] }),
    ...(values['redirect-uri'] === undefined ? {} : { redirectUris: values['redirect-uri'] }),
    autoApprove: values['auto-approve'] === true,
  });
  // The secret is the fake's own, printed so the developer can configure the app under test with it.
  process.stdout.write(
    [
      'Fake Threads is listening.',
      `  graph URL          ${fake.url}`,
      `  authorization URL  ${fake.authorizationUrl}`,
      `  client id          ${fake.clientId}`,
      `  client secret      ${fake.clientSecret}`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    fake.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`threads-auth-fake: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
});
