/**
 * README examples are code: every ```ts block of an adapter's README is type-checked against the adapter's
 * source, with the package's own compiler options, as if it were a file of the package's tests.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** The ```ts blocks of a Markdown text, in order. */
export function readmeExamples(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/**
 * Type-checks every ```ts block of `packageDir`/README.md, importing `packageName` from `src/index.ts`.
 *
 * @returns One formatted diagnostic per error; empty when every example compiles.
 */
export function typeCheckReadme(packageDir: string, packageName: string): { examples: number; errors: string[] } {
  const examples = readmeExamples(readFileSync(join(packageDir, 'README.md'), 'utf8'));
  const configPath = join(packageDir, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, packageDir);
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, paths: { [packageName]: ['./src/index.ts'] } };
  const files = new Map(examples.map((code, i) => [join(packageDir, 'test', `readme-example-${i + 1}.ts`), code]));
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name) ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const code = files.get(name);
    return code === undefined ? getSourceFile.call(host, name, language, ...rest) : ts.createSourceFile(name, code, language, true);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const errors = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file === undefined || files.has(diagnostic.file.fileName))
    .map((diagnostic) => ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => packageDir, getNewLine: () => '\n' }));
  return { examples: examples.length, errors };
}
