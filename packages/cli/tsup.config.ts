import { packageBuild } from '../../tsup.config.base';

// The bin is ESM only: it is run, never imported.
export default [packageBuild(), packageBuild({ entry: ['src/bin.ts'], format: ['esm'], dts: false, clean: false })];
