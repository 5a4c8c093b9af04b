export { runCli, USAGE } from './run-cli.js';
export { EXIT, type CliIo, type ExitCode } from './io.js';
export { CliError } from './cli-error.js';
export { UsageError } from './usage-error.js';
export { exitCodeOf, receiptErrorOf, runResultOf } from './output/receipt-outcome.js';
export type { ValidateDocument } from './commands/validate.js';
export type { PartOutcome, ReceiptError, ReceiptInput, ReceiptPart, RunResult, SendReceipt } from './upload/receipt.js';
export type { JournalEntry, JournalOutcome } from './upload/journal.js';
export type { QuarantineLine } from './upload/quarantine.js';
