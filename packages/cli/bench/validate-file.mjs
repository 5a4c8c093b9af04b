// The baseline: `validateFile` from `@zhima/validator/node` on the same file, with what `zhima send`
// gives it (columns, primary key, UTF-8, no declared count, and the split plan at the gateway's 52428800
// bytes: send uploads the parts the validator plans), in a child process of its own. Prints one JSON line: { ok, records }.
// Usage (spawned by run.mjs): node bench/validate-file.mjs <path> <columns> <primary-key>
// (the lists comma-separated: importing them from the generator would load iconv-lite here too).
import { validateFile } from '@zhima/validator/node';

const [path, columns, primaryKey] = process.argv.slice(2);
const report = await validateFile({ path, columns: columns.split(','), primaryKeyColumns: primaryKey.split(','), fileCharset: 'UTF-8', split: { maxFileBytes: 52_428_800 } });
console.log(JSON.stringify({ ok: report.ok, records: report.recordCount }));
