import { fileURLToPath } from 'node:url';
import { typeCheckReadme } from '@threads-auth/contract-tests/adapter';
import { describe, expect, it } from 'vitest';

describe('README', () => {
  it('every TypeScript example compiles against the package', () => {
    const { examples, errors } = typeCheckReadme(fileURLToPath(new URL('..', import.meta.url)), '@threads-auth/web');
    expect(examples).toBeGreaterThanOrEqual(2);
    expect(errors).toEqual([]);
  });
});
