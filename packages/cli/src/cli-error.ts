import { EXIT } from './io.js';

/**
 * A failure the CLI explains itself (not a `ZhimaError` of the libraries): a stable code, the message, a
 * hint saying what to do, and the exit code the process ends with. Printed without a stack trace.
 *
 * @example
 * ```ts
 * throw new CliError({ code: 'JOURNAL_LOCKED', message: 'Another zhima send is using the journal.', hint: 'Wait for it to finish.', exitCode: EXIT.LOCKED });
 * ```
 */
export class CliError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor({ code, message, hint, exitCode = EXIT.FAILED }: { code: string; message: string; hint?: string | undefined; exitCode?: number }) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.hint = hint;
    this.exitCode = exitCode;
  }
}
