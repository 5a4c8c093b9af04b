// Runs the validator in a worker thread, so a test can stop a validation that takes too long
// (terminate() ends even a synchronous loop). Posts one message per input as it finishes.
import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { loanTemplateRules, validateRecords } from '@zhima/validator';
import { validateFile } from '@zhima/validator/node';

const { path, options } = workerData;
const withRules = { ...options, rules: loanTemplateRules };
const summary = (report) => ({
  ok: report.ok,
  recordCount: report.recordCount,
  errorCount: report.errorCount,
  truncated: report.truncated,
  issues: report.issues.map(({ rule, severity, recordIndex, relatedRecordIndex, line, column }) => ({ rule, severity, recordIndex, relatedRecordIndex, line, column })),
});

for (const input of workerData.inputs) {
  const started = Date.now();
  const report = input === 'validateFile' ? await validateFile({ path, ...withRules }) : await validateRecords({ input: new Uint8Array(await readFile(path)), ...withRules });
  parentPort.postMessage({ input, seconds: (Date.now() - started) / 1000, report: summary(report) });
}
