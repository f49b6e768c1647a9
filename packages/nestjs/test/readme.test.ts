import { fileURLToPath } from 'node:url';
import { typeCheckReadme } from '@threads-auth/contract-tests/adapter';
import { describe, expect, it } from 'vitest';

// In the nest12 project only (see vitest.config.ts): the examples are type-checked against src/ and the
// devDependencies' NestJS types.
describe('README', () => {
  it('every TypeScript example compiles against the package', () => {
    const { examples, errors } = typeCheckReadme(fileURLToPath(new URL('..', import.meta.url)), '@threads-auth/nestjs');
    expect(examples).toBe(5);
    expect(errors).toEqual([]);
  });
});
