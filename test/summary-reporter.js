// Prints the run's counts as the last line, `N passed, N failed[, N skipped]`, and writes them to
// a file (.ci/last-test-counts unless the reporter's `countsFile` option names another) so
// .ci/run can repeat the line after npm's own output and add up several runs.
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

class SummaryReporter {
  constructor(globalConfig, options = {}) {
    this.countsFile = join(globalConfig.rootDir, options.countsFile ?? '.ci/last-test-counts');
  }

  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    // A suite that fails to load counts as failed even though it reports no failed test.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
    mkdirSync(dirname(this.countsFile), { recursive: true });
    writeFileSync(this.countsFile, `${line}\n`);
    process.stdout.write(`\n${line}\n`);
  }
}

module.exports = SummaryReporter;
