// Prints the run's counts as the last line, `N passed, N failed[, N skipped]`, and writes them to
// .ci/last-test-counts so .ci/run can repeat the line after npm's own output.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that fails to load counts as failed even though it reports no failed test.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    mkdirSync(join(this.rootDir, '.ci'), { recursive: true });
    writeFileSync(join(this.rootDir, '.ci', 'last-test-counts'), `${line}\n`);
    process.stdout.write(`\n${line}\n`);
  }
}

module.exports = SummaryReporter;
