import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// Every ```ts block of libs/auth/README.md is a module that must compile against the library as
// it is, with the repository's compiler options: the examples cannot drift from the code.

const ROOT = join(__dirname, '..', '..', '..');

function readmeExamples(): string[] {
  const readme = readFileSync(join(ROOT, 'libs/auth/README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

describe('libs/auth/README.md', () => {
  it('has examples, and every one of them compiles', () => {
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(5);
    mkdirSync(join(ROOT, 'dist'), { recursive: true });
    const dir = mkdtempSync(join(ROOT, 'dist', 'readme-examples-'));
    try {
      const files = examples.map((source, i) => {
        const file = join(dir, `example-${i + 1}.ts`);
        writeFileSync(file, source);
        return file;
      });
      const config = ts.getParsedCommandLineOfConfigFile(
        join(ROOT, 'tsconfig.json'),
        { noEmit: true },
        { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
      )!;
      const program = ts.createProgram(files, config.options);
      const problems = ts
        .getPreEmitDiagnostics(program)
        .filter((diagnostic) => diagnostic.file && files.includes(diagnostic.file.fileName))
        .map(
          (diagnostic) =>
            `${diagnostic.file!.fileName.slice(dir.length + 1)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
        );
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
