/** Proves which NestJS major each vitest project really runs (`nest12`: the devDependencies; `nest11`: test-nest11/). */
import { expect, it } from 'vitest';

it(`runs against NestJS ${process.env['NEST_MAJOR']}`, async () => {
  const packages = await Promise.all([
    import('@nestjs/common/package.json', { with: { type: 'json' } }),
    import('@nestjs/core/package.json', { with: { type: 'json' } }),
    import('@nestjs/platform-express/package.json', { with: { type: 'json' } }),
    import('@nestjs/platform-fastify/package.json', { with: { type: 'json' } }),
  ]);
  expect(packages.map(({ default: pkg }) => pkg.version.split('.')[0])).toEqual(Array(4).fill(process.env['NEST_MAJOR']));
});
