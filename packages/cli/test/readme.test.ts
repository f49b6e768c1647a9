import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readmeExamples, typeCheckReadme } from '@threads-auth/contract-tests/adapter';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('every TypeScript example (the auto-poster included) compiles against the package', () => {
    const { examples, errors } = typeCheckReadme(fileURLToPath(new URL('..', import.meta.url)), '@threads-auth/cli');
    expect(examples).toBeGreaterThanOrEqual(3);
    expect(errors).toEqual([]);
  });
});

describe('the root README', () => {
  it('has the "Just need a token for a script?" section, whose auto-poster is the type-checked one above', () => {
    const root = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const own = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = root.slice(root.indexOf('## Just need a token for a script?'), root.indexOf('## Quick start'));
    expect(section).toContain('npx @threads-auth/cli login');
    expect(section).toContain('threads-auth token');
    const poster = readmeExamples(own).find((code) => code.includes('execFileSync'));
    expect(poster).toBeDefined();
    expect(readmeExamples(section)).toContain(poster);
  });
});
