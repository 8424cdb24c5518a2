import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchedLineOutput } from './batched-stdout.js';

const MODULE = join(__dirname, 'batched-stdout.ts');

/** Runs `body` in a real Node process with `output`, batchedStdout(), in scope; its stdout. */
function runChild(body: string): { stdout: string; status: number | null } {
  const code = `import { batchedStdout } from ${JSON.stringify(MODULE)};
const output = batchedStdout();
${body}`;
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', code],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return { stdout: child.stdout, status: child.status };
}

/** `count` log-like lines; the same function runs in the child (its source is passed on). */
const lines = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `{"line":${i},"pad":"${'x'.repeat(100)}"}\n`);
const LINES_IN_CHILD = `const lines = ${lines.toString()};`;

describe('BatchedLineOutput', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'batched-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the lines of a turn after it, once, in order', async () => {
    const file = join(dir, 'out');
    const fd = openSync(file, 'w');
    try {
      const output = new BatchedLineOutput(fd);
      output.write('a\n');
      output.write('b\n');
      expect(readFileSync(file, 'utf8')).toBe('');
      await new Promise((resolve) => setImmediate(resolve));
      expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
      output.write('c\n');
      output.flush();
      expect(readFileSync(file, 'utf8')).toBe('a\nb\nc\n');
    } finally {
      closeSync(fd);
    }
  });

  it.each([
    ['process.exit in the same turn', 'process.exit(3);', 3],
    ['an uncaught exception in the same turn', "throw new Error('crash');", 1],
    ['the event loop ending', '', 0],
  ])('loses no line at %s', (_what, ending, status) => {
    const child = runChild(`${LINES_IN_CHILD}
for (const line of lines(2_000)) output.write(line);
${ending}`);
    expect(child.status).toBe(status);
    expect(child.stdout).toBe(lines(2_000).join(''));
  });

  it('writes a turn of several megabytes whole through a pipe', () => {
    const expected = lines(40_000).join('');
    const child = runChild(`${LINES_IN_CHILD}
setTimeout(() => { for (const line of lines(40_000)) output.write(line); }, 1);`);
    expect(child.status).toBe(0);
    expect(child.stdout.length).toBe(expected.length);
    expect(child.stdout).toBe(expected);
  });
});
