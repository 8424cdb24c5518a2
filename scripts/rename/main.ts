import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { RenameError, renamePair } from './rename.js';

// `npm run rename -- --caller <name> --receiver <name>`: renames the pair in this checkout
// (docs/renaming.md). Then `npm install` is not needed; `npm run build` and `npm test` are.
const ROOT = join(__dirname, '..', '..');

function main(): void {
  const { values } = parseArgs({
    options: { caller: { type: 'string' }, receiver: { type: 'string' } },
  });
  if (!values.caller && !values.receiver) {
    process.stderr.write('usage: npm run rename -- --caller <name> --receiver <name>\n');
    process.exitCode = 2;
    return;
  }
  const began = performance.now();
  const report = renamePair(ROOT, values);
  const seconds = ((performance.now() - began) / 1000).toFixed(1);
  const lines = [
    ...Object.entries(report.spellings).map(([from, to]) => `  ${from} → ${to}`),
    `${report.replacements} replacements in ${report.files} files; ${report.paths.length} paths moved`,
    ...Object.entries(report.variables).map(
      ([from, to]) => `  environment variable ${from} → ${to}`,
    ),
    ...(report.dotEnv.length > 0 ? [`.env: ${report.dotEnv.join(', ')}`] : []),
    ...(report.removedBuild ? ['the old build (dist/) removed: run `npm run build`'] : []),
    `pair.json updated; done in ${seconds} s. Next: npm run build && npm test (docs/renaming.md)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  main();
} catch (error) {
  if (!(error instanceof RenameError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
