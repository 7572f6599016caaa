// Adds up the vitest JSON reports that `pnpm test` left in <package>/.test-results/ and prints one
// closing line: "tests: N passed, N failed, N skipped", after the name and first message line of every failed
// test, so a run whose log is cut to its tail still says what failed. Exit 1 when a test failed or none ran.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const perPackage = [];
const failures = [];
for (const group of ['packages', 'services', 'load-tests', 'deploy']) {
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) continue;
  const dirs = group === 'load-tests' ? [groupDir] : readdirSync(groupDir).map((name) => join(groupDir, name));
  for (const dir of dirs) {
    const resultsDir = join(dir, '.test-results');
    if (!existsSync(resultsDir)) continue;
    for (const file of readdirSync(resultsDir).filter((name) => name === 'test.json' || name === 'test-integration.json')) {
      const report = JSON.parse(readFileSync(join(resultsDir, file), 'utf8'));
      const failedHere = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
      passed += report.numPassedTests ?? 0;
      failed += failedHere;
      skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
      for (const suite of report.testResults ?? []) {
        const where = `${dir.slice(root.length)}/${(suite.name ?? '').slice(dir.length + 1)}`;
        const failedTests = (suite.assertionResults ?? []).filter((test) => test.status === 'failed');
        for (const test of failedTests) failures.push(`${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
        if (failedTests.length === 0 && suite.status === 'failed') failures.push(`${where}: ${firstLine(suite.message)}`);
      }
      perPackage.push(`${dir.slice(root.length)}/${file.replace('.json', '')}: ${report.numPassedTests ?? 0} passed, ${failedHere} failed`);
    }
  }
}
if (failures.length > 0) console.log('\nfailed:\n' + failures.map((line) => `  ${line}`).join('\n'));
console.log('\n' + perPackage.map((line) => `  ${line}`).join('\n'));
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed + failed === 0) {
  console.error('no test ran');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);

function firstLine(text) {
  // eslint-disable-next-line no-control-regex -- vitest's messages carry ANSI colour codes
  const plain = String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '');
  const first = plain.split('\n').find((line) => line.trim() !== '')?.trim().slice(0, 300) ?? '(no message)';
  // vitest reports a test or hook that ran out of time with the stack of an Error it named STACK_TRACE_ERROR.
  return first === 'Error: STACK_TRACE_ERROR' ? 'timed out (the test or one of its hooks ran past its time limit)' : first;
}
