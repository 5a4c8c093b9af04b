import { CliError } from './cli-error.js';
import { EXIT } from './io.js';

/**
 * A mistake in the command line or configuration: printed with its hint, exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError({ message: '--columns is required.', hint: 'Pass --columns a,b or --template loan.' });
 * ```
 */
export class UsageError extends CliError {
  constructor({ message, hint }: { message: string; hint?: string }) {
    super({ code: 'USAGE', message, hint, exitCode: EXIT.USAGE });
    this.name = 'UsageError';
  }
}
