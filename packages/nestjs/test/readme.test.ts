import { fileURLToPath } from 'node:url';
import { typeCheckReadme } from '@threads-auth/contract-tests/adapter';
import { describe, expect, it } from 'vitest';

// Once is enough: the examples are type-checked against src/ and the devDependencies' NestJS types.
describe.runIf(process.env['NEST_MAJOR'] === '12')('README', () => {
  it('every TypeScript example compiles against the package', () => {
    const { examples, errors } = typeCheckReadme(fileURLToPath(new URL('..', import.meta.url)), '@threads-auth/nestjs');
    expect(examples).toBe(4);
    expect(errors).toEqual([]);
  });
});
