// Entry for runtimes with a command line and a file system (Node, Bun, Deno): reads the input JSON
// file named by the first argument, runs the portable checks plus `@zhima/validator/node` on a file
// on disk, and prints `{ results, probeError }` as one JSON line.
import { readFile } from 'node:fs/promises';
import { validateFile } from '@zhima/validator/node';
import { runChecks, withDeadline } from './checks.mjs';

const args = globalThis.Deno?.args ?? globalThis.process.argv.slice(2);
const input = JSON.parse(await readFile(args[0], 'utf8'));
const { results, probeError } = await runChecks(input);

/** The duplicate-key file on disk: streamed, the duplicate confirmed by re-reading the earlier record. */
async function validateOnDisk() {
  const { records } = input;
  const report = await validateFile({ path: input.duplicateFile, columns: records.columns, primaryKeyColumns: records.primaryKeyColumns, records: records.count + 1 });
  const duplicate = report.issues.find((issue) => issue.code === 'INVALID_PRIMARY_ARGUMENTS');
  if (report.ok || duplicate === undefined || duplicate.recordIndex !== records.count || duplicate.relatedRecordIndex !== records.duplicateOf) {
    throw new Error(`expected record ${records.count} to repeat record ${records.duplicateOf}'s key, got ${JSON.stringify(report.issues)}`);
  }
  return `duplicate at record ${duplicate.recordIndex} of ${report.recordCount}, first seen at ${duplicate.relatedRecordIndex}`;
}
try {
  results.push({ check: 'validator/node file on disk', ok: true, detail: await withDeadline({ work: validateOnDisk(), ms: 20_000 }) });
} catch (error) {
  results.push({ check: 'validator/node file on disk', ok: false, detail: String(error) });
}
console.log(JSON.stringify({ results, probeError }));
