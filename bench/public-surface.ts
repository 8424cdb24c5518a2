// `npx tsx bench/public-surface.ts [file ...]`: the public surface of each entry point of
// libs/auth (the `@app/auth…` paths of tsconfig.json, or the files given): how many names it
// exports, values (classes, functions, constants) and types apart, and the names.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { ROOT } from './bench-support.js';

function entryPoints(): string[] {
  const config = ts.parseConfigFileTextToJson(
    'tsconfig.json',
    readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'),
  ).config as { compilerOptions: { paths: Record<string, string[]> } };
  return Object.entries(config.compilerOptions.paths)
    .filter(([alias, [target]]) => alias.startsWith('@app/auth') && target.endsWith('.ts'))
    .map(([, [target]]) => join(ROOT, target));
}

function main(): void {
  const files =
    process.argv.length > 2 ? process.argv.slice(2).map((f) => resolve(f)) : entryPoints();
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    experimentalDecorators: true,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  for (const file of files) {
    const source = program.getSourceFile(file);
    const symbol = source && checker.getSymbolAtLocation(source);
    if (!symbol) throw new Error(`${file}: not a module`);
    const exports = checker.getExportsOfModule(symbol).map((exported) => {
      const target =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      return { name: exported.name, value: (target.flags & ts.SymbolFlags.Value) !== 0 };
    });
    const values = exports.filter((e) => e.value).map((e) => e.name);
    const types = exports.filter((e) => !e.value).map((e) => e.name);
    console.log(
      `${file.slice(ROOT.length + 1)}: ${exports.length} exports (${values.length} values, ${types.length} types)\n` +
        `  values: ${values.sort().join(', ')}\n  types: ${types.sort().join(', ')}`,
    );
  }
}

main();
