/** The README's error table and docs/troubleshooting.md cover every error code. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_TABLE, THREADS_AUTH_ERROR_CODES } from '../src/index.js';

/** Codes no user sees: background refreshes, app tokens, Meta's server-to-server callbacks. */
const NOT_SHOWN = new Set(['refresh_failed', 'app_token_failed', 'invalid_signed_request', 'payload_too_large']);

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');

describe('the documentation of the error codes', () => {
  it("names every code in the root README's error table, with its status", () => {
    const readme = read('../../../README.md');
    const table = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Testing your app'));
    const rows = table.split('\n').filter((line) => line.startsWith('| `'));
    for (const code of THREADS_AUTH_ERROR_CODES) {
      const row = rows.find((line) => line.split('|')[1]!.includes(`\`${code}\``));
      expect(row, code).toBeDefined();
      expect(row!.split('|')[2], code).toContain(String(ERROR_TABLE[code].status));
    }
  });
  it('has a troubleshooting section per code, quoting the message users see', () => {
    const page = read('../../../docs/troubleshooting.md');
    for (const code of THREADS_AUTH_ERROR_CODES) {
      const start = page.indexOf(`### \`${code}\``);
      expect(start, code).toBeGreaterThan(-1);
      const section = page.slice(start, page.indexOf('\n### ', start + 1));
      // Searchable by what the user saw, for every code a user can see.
      if (!NOT_SHOWN.has(code)) expect(section.replace(/\s+/g, ' '), code).toContain(ERROR_TABLE[code].message);
      expect(section, code).toContain('**Fix:**');
    }
  });
});
