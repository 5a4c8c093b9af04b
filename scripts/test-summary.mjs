// Sums vitest's own JSON reports (one per package under packages/, apps/ and tooling/, written by vitest.shared.ts) into the closing
// line CI reads. Counts come from the reports only; a package that ran no report is named.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'apps', 'tooling']) {
  if (!existsSync(join(root, group))) continue;
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name);
    if (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'vitest.config.ts'))) continue;
    const report = join(dir, '.test-results', 'vitest.json');
    if (!existsSync(report)) {
      missing.push(`${group}/${name}`);
      continue;
    }
    const json = JSON.parse(readFileSync(report, 'utf8'));
    passed += json.numPassedTests;
    // Suites that failed to load hold no tests, yet they are failures all the same.
    failed += json.numFailedTests + json.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length;
    skipped += json.numPendingTests + json.numTodoTests;
  }
}
if (missing.length > 0) {
  console.log(`no vitest report from: ${missing.join(', ')}`);
  failed += missing.length;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
