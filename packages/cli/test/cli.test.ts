/** The real bin, as a child process, against the fake Threads over real HTTP(S). */
import { request } from 'node:https';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, freePort, pasteLogin, runBin, setupCli, startBin } from './harness.js';

type Cli = Awaited<ReturnType<typeof setupCli>>;

/** GET over https with certificate checks off (the CLI serves a self-signed certificate), or checked against `ca`. */
function getInsecure(url: string, ca?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ...(ca === undefined ? { rejectUnauthorized: false } : { ca }), timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += String(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** A short-lived token from the fake, through its consent page and the code exchange. */
async function shortLivedToken(cli: Cli): Promise<string> {
  const redirectUri = 'https://app.example/callback/';
  const authorize = new URL(cli.threads.authorizationUrl);
  authorize.search = new URLSearchParams({ client_id: cli.threads.clientId, redirect_uri: redirectUri, scope: 'threads_basic', response_type: 'code', state: 's' }).toString();
  const code = new URL(await cli.threads.approve(authorize.href)).searchParams.get('code')!;
  const res = await fetch(`${cli.threads.url}/oauth/access_token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: cli.threads.clientId, client_secret: cli.threads.clientSecret, grant_type: 'authorization_code', redirect_uri: redirectUri, code }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('threads-auth login (paste flow)', () => {
  let cli: Cli;
  beforeEach(async () => {
    cli = await setupCli();
  });
  afterEach(async () => cli.close());

  it('signs in end to end through standard input and writes a 0600 token file holding no secret', async () => {
    const run = await pasteLogin(cli, ['--scopes', 'threads_content_publish']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Signed in.');
    expect(run.stdout).toContain('User:     17841405793187219');
    expect(run.stdout).toContain('Scopes:   threads_basic, threads_content_publish');
    expect(run.stdout).toMatch(/Expires: +20\d\d-.*\(in 60 days\)/);
    expect(run.stdout).not.toContain('Not granted');
    // The exchange sequence: code → long-lived → debug_token of the long-lived token.
    expect(cli.threads.callsTo('code_exchange')).toHaveLength(1);
    expect(cli.threads.callsTo('long_lived_exchange')).toHaveLength(1);
    expect(cli.threads.callsTo('debug_token')).toHaveLength(1);

    expect((await stat(cli.file)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(cli.file))).mode & 0o777).toBe(0o700);
    const text = await readFile(cli.file, 'utf8');
    const file = JSON.parse(text) as { version: number; tokens: Array<{ userId: string; issuedAt: number; expiresAt: number }> };
    expect(file.version).toBe(1);
    expect(file.tokens.map((t) => t.userId)).toEqual(['17841405793187219']);
    expect(file.tokens[0]!.expiresAt - file.tokens[0]!.issuedAt).toBe(5183944_000);
    expect(text).not.toContain(cli.threads.clientSecret);

    const token = await runBin(['token'], cli.env());
    expect(token.code).toBe(0);
    expect(text).not.toContain(token.stdout.trim());
    const inspect = await runBin(['inspect', '--json'], cli.env());
    expect(JSON.parse(inspect.stdout)).toMatchObject({ isValid: true, type: 'USER', userId: '17841405793187219', scopes: ['threads_basic', 'threads_content_publish'] });
    for (const out of [run, token, inspect]) expect(out.stdout + out.stderr).not.toContain(cli.threads.clientSecret);
  });

  it('accepts just the query, with Meta’s #_', async () => {
    const running = startBin(['login', '--no-open', '--json'], cli.env());
    const [, url] = await running.waitForStderr(/(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/);
    const landed = new URL(await cli.threads.approve(url!));
    running.child.stdin.write(`${landed.search}#_\n`);
    const run = await running.done;
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ userId: '17841405793187219', missingScopes: [], file: cli.file });
  });

  it('says clearly which requested scope was not granted', async () => {
    const running = startBin(['login', '--no-open', '--scopes', 'threads_content_publish,threads_manage_insights'], cli.env());
    const [, url] = await running.waitForStderr(/(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/);
    const asked = new URL(url!).searchParams;
    expect(asked.get('scope')).toBe('threads_basic,threads_content_publish,threads_manage_insights');
    // The user grants less than was asked: the consent form posted with one permission fewer.
    const consent = await fetch(`${cli.threads.url}/oauth/authorize/consent`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ client_id: asked.get('client_id')!, redirect_uri: asked.get('redirect_uri')!, scope: 'threads_basic,threads_content_publish', state: asked.get('state')!, decision: 'allow' }),
    });
    running.child.stdin.write(`${consent.headers.get('location')}\n`);
    const run = await running.done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Scopes:   threads_basic, threads_content_publish');
    expect(run.stdout).toContain('Not granted: threads_manage_insights was requested but the user did not grant it');
    expect(run.stdout).not.toContain('Not granted: threads_content_publish');
  });

  it('fails with exit 4 and stores nothing when the pasted state is not ours', async () => {
    const running = startBin(['login', '--no-open'], cli.env());
    const [, url] = await running.waitForStderr(/(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/);
    const forged = new URL(url!);
    forged.searchParams.set('state', 'not-the-cli-state');
    running.child.stdin.write(`${await cli.threads.approve(forged.href)}\n`);
    const run = await running.done;
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^threads-auth: .*could not be verified/m);
    expect(cli.threads.callsTo('code_exchange')).toHaveLength(0);
    await expect(stat(cli.file)).rejects.toThrow();
  });

  it('fails with exit 4 when the user clicks Cancel', async () => {
    const running = startBin(['login', '--no-open'], cli.env());
    const [, url] = await running.waitForStderr(/(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/);
    running.child.stdin.write(`${await cli.threads.approve(url!, 'cancel')}\n`);
    const run = await running.done;
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('cancelled');
  });

  it('fails the command when the long-lived exchange fails', async () => {
    cli.threads.fail('long_lived_exchange', { kind: 'meta-error', code: 1, isTransient: false });
    const run = await pasteLogin(cli);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^threads-auth: .+/m);
    await expect(stat(cli.file)).rejects.toThrow();
  });

  it('says which flag is missing, with exit 2', async () => {
    const run = await runBin(['login', '--no-open'], cli.env({ THREADS_REDIRECT_URI: '' }));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('THREADS_REDIRECT_URI');
  });
});

describe('threads-auth login (https loopback flow)', () => {
  it('serves the redirect URI itself on a runtime certificate and finishes when the callback arrives', async () => {
    const port = await freePort();
    const redirectUri = `https://127.0.0.1:${port}/callback`;
    const cli = await setupCli({ redirectUri });
    try {
      const running = startBin(['login', '--no-open'], cli.env());
      const [, url] = await running.waitForStderr(/(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/);
      expect(running.output.stderr).toContain('self-signed certificate');
      const landed = await cli.threads.approve(url!);
      expect(landed.startsWith(`${redirectUri}?code=`)).toBe(true);
      // Nothing else is served there.
      expect((await getInsecure(`https://127.0.0.1:${port}/other`)).status).toBe(404);
      const page = await getInsecure(landed);
      expect(page.status).toBe(200);
      expect(page.body).toContain('Signed in to Threads');
      const run = await running.done;
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('User:     17841405793187219');
      expect((await runBin(['token'], cli.env())).code).toBe(0);
    } finally {
      await cli.close();
    }
  });
});

describe('threads-auth login (https loopback flow with mkcert)', () => {
  it("signs its certificate with mkcert's CA when `mkcert -CAROOT` has one, so the certificate checks pass", async () => {
    const { generate } = await import('selfsigned');
    const ca = await generate([{ name: 'commonName', value: 'threads-auth test CA' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    const port = await freePort();
    const redirectUri = `https://127.0.0.1:${port}/callback/`;
    const cli = await setupCli({ redirectUri });
    try {
      // A stand-in mkcert on PATH whose -CAROOT is a directory holding that CA, as mkcert lays it out.
      const caroot = join(cli.home, 'caroot');
      const bin = join(cli.home, 'bin');
      await mkdir(caroot, { recursive: true });
      await mkdir(bin, { recursive: true });
      await writeFile(join(caroot, 'rootCA.pem'), ca.cert);
      await writeFile(join(caroot, 'rootCA-key.pem'), ca.private);
      await writeFile(join(bin, 'mkcert'), `#!/bin/sh\necho "${caroot}"\n`, { mode: 0o755 });
      const running = startBin(['login', '--no-open'], cli.env({ PATH: `${bin}:${process.env['PATH'] ?? ''}` }));
      const [, url] = await running.waitForStderr(/(http:\/\/127\.0\.0\.1:\d+\/oauth\/authorize\?\S+)/);
      expect(running.output.stderr).toContain('mkcert certificate');
      const page = await getInsecure(await cli.threads.approve(url!), ca.cert);
      expect(page.status).toBe(200);
      const run = await running.done;
      expect(run.code, run.stderr).toBe(0);
    } finally {
      await cli.close();
    }
  });
});

describe('threads-auth token', () => {
  let cli: Cli;
  beforeEach(async () => {
    cli = await setupCli();
  });
  afterEach(async () => cli.close());

  it('prints the token alone; after the clock passes the refresh point, prints a new one and saves it', async () => {
    expect((await pasteLogin(cli)).code).toBe(0);
    const first = await runBin(['token'], cli.env());
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^TH\S+\n$/);
    expect(cli.threads.callsTo('refresh')).toHaveLength(0);
    const json = await runBin(['token', '--json'], cli.env());
    expect(JSON.parse(json.stdout).accessToken).toBe(first.stdout.trim());

    cli.advance(54 * DAY);
    const before = await readFile(cli.file, 'utf8');
    const second = await runBin(['token'], cli.env());
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^TH\S+\n$/);
    expect(second.stdout).not.toBe(first.stdout);
    expect(cli.threads.callsTo('refresh')).toHaveLength(1);
    expect(cli.threads.callsTo('refresh')[0]!.query['access_token']).toBe(first.stdout.trim());
    expect(await readFile(cli.file, 'utf8')).not.toBe(before);

    // Saved: the next call prints the new token without asking Threads again, and Threads says it is valid.
    const third = await runBin(['token'], cli.env());
    expect(third.stdout).toBe(second.stdout);
    expect(cli.threads.callsTo('refresh')).toHaveLength(1);
    const inspect = await runBin(['inspect', '--token', '-', '--json'], cli.env(), second.stdout);
    expect(JSON.parse(inspect.stdout).isValid).toBe(true);
  });

  it('with no token file: exit 3, nothing on stdout, one line on stderr saying to log in', async () => {
    const run = await runBin(['token'], cli.env());
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('run `threads-auth login`');
  });

  it('with a token Threads refuses to refresh: exit 3 and the token is forgotten', async () => {
    expect((await pasteLogin(cli)).code).toBe(0);
    cli.threads.revokeUser('17841405793187219');
    cli.advance(54 * DAY);
    const run = await runBin(['token'], cli.env());
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('threads-auth login');
    expect(JSON.parse(await readFile(cli.file, 'utf8')).tokens).toEqual([]);
  });

  it('two concurrent calls on a due token make one refresh', async () => {
    const adopted = cli.threads.issueLongLivedToken({ issuedAt: Date.now() - 55 * DAY, scopes: ['threads_basic'] });
    expect((await runBin(['import', '--token', '-'], cli.env(), adopted.accessToken)).code).toBe(0);
    cli.threads.setLatency(400, 'refresh');
    const [a, b] = await Promise.all([runBin(['token'], cli.env()), runBin(['token'], cli.env())]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(cli.threads.callsTo('refresh')).toHaveLength(1);
    // Both print a valid token: the new one, or the old one that is still valid while the other refreshes.
    for (const out of [a, b]) expect([adopted.accessToken, a.stdout.trim(), b.stdout.trim()]).toContain(out.stdout.trim());
    const fresh = [a.stdout.trim(), b.stdout.trim()].filter((t) => t !== adopted.accessToken);
    expect(fresh.length).toBeGreaterThan(0);
    const after = await runBin(['token'], cli.env());
    expect(after.stdout.trim()).toBe(fresh[0]);
    expect(cli.threads.callsTo('refresh')).toHaveLength(1);
  });
});

describe('threads-auth import', () => {
  let cli: Cli;
  beforeEach(async () => {
    cli = await setupCli();
  });
  afterEach(async () => cli.close());

  it('exchanges a short-lived token for a long-lived one and stores it', async () => {
    const short = await shortLivedToken(cli);
    const run = await runBin(['import', '--token', '-', '--json'], cli.env(), `${short}\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ exchanged: true, userId: '17841405793187219', scopes: ['threads_basic'] });
    expect(cli.threads.callsTo('long_lived_exchange')).toHaveLength(1);
    expect(cli.threads.callsTo('long_lived_exchange')[0]!.query['access_token']).toBe(short);
    const token = await runBin(['token'], cli.env());
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).not.toBe(short);
    expect(run.stdout).not.toContain(short);
  });

  it('stores a long-lived token as it is', async () => {
    const long = cli.threads.issueLongLivedToken({ scopes: ['threads_basic', 'threads_content_publish'] });
    const run = await runBin(['import', '--token', long.accessToken], cli.env());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Imported a long-lived token.');
    expect(run.stdout).toContain('threads_content_publish');
    expect(cli.threads.callsTo('long_lived_exchange')).toHaveLength(0);
    expect((await runBin(['token'], cli.env())).stdout).toBe(`${long.accessToken}\n`);
  });

  it('refuses a dead token with exit 3', async () => {
    const run = await runBin(['import', '--token', 'THnotatoken'], cli.env());
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('not valid');
  });
});

describe('threads-auth doctor', () => {
  let cli: Cli;
  beforeEach(async () => {
    cli = await setupCli({ redirectUri: 'https://localhost:8443/callback/' });
  });
  afterEach(async () => cli.close());

  it('with a wrong secret: exit 5, says to use the Threads App secret, never prints the secret', async () => {
    const run = await runBin(['doctor'], cli.env({ THREADS_APP_SECRET: 'the-meta-app-secret-0123' }));
    expect(run.code).toBe(5);
    expect(run.stdout).toContain('✗ Threads refused the app id and secret');
    expect(run.stdout).toContain('Use the Threads App secret');
    expect(run.stdout + run.stderr).not.toContain('the-meta-app-secret-0123');
  });

  it('with good credentials: exit 0, the loopback plan and the three dashboard URLs', async () => {
    const run = await runBin(['doctor', '--json'], cli.env());
    expect(run.code, run.stdout).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(true);
    expect(report.dashboard).toEqual({
      redirectCallbackUrl: 'https://localhost:8443/callback/',
      uninstallCallbackUrl: 'https://localhost:8443/auth/threads/deauthorize',
      deleteCallbackUrl: 'https://localhost:8443/auth/threads/delete',
    });
    expect(report.checks.find((c: { name: string }) => c.name === 'redirect_uri').message).toContain('login serves https://localhost:8443/callback/ itself');
  });

  it('flags an http redirect URI', async () => {
    const run = await runBin(['doctor'], cli.env({ THREADS_REDIRECT_URI: 'http://localhost:8443/callback' }));
    expect(run.code).toBe(5);
    expect(run.stdout).toContain('Meta requires https');
  });
});

describe('the command line', () => {
  it('every command has --help, and an unknown flag exits 2', async () => {
    for (const command of ['login', 'token', 'refresh', 'inspect', 'app-token', 'import', 'doctor']) {
      const run = await runBin([command, '--help'], {});
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`threads-auth ${command}`);
    }
    const main = await runBin(['--help'], {});
    expect(main.stdout).toContain('Exit codes');
    const bad = await runBin(['token', '--nope'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--nope'");
  });

  it('app-token prints the app token; refresh refuses a token younger than 24 h', async () => {
    const cli = await setupCli();
    try {
      const app = await runBin(['app-token'], cli.env());
      expect(app.code).toBe(0);
      expect(app.stdout).toMatch(/^TH\|1234567890\|\S+\n$/);
      expect((await pasteLogin(cli)).code).toBe(0);
      const young = await runBin(['refresh'], cli.env());
      expect(young.code).toBe(1);
      expect(young.stderr).toContain('24 hours');
      expect(cli.threads.callsTo('refresh')).toHaveLength(0);
      cli.advance(2 * DAY);
      const refreshed = await runBin(['refresh', '--json'], cli.env());
      expect(refreshed.code, refreshed.stderr).toBe(0);
      expect(cli.threads.callsTo('refresh')).toHaveLength(1);
      expect(Date.parse(JSON.parse(refreshed.stdout).expiresAt)).toBeGreaterThan(Date.now() + 61 * DAY);
    } finally {
      await cli.close();
    }
  });
});
