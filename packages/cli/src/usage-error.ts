/**
 * A mistake in the command line or configuration: printed with its hint, exit code 2.
 *
 * @example
 * ```ts
 * throw new UsageError({ message: '--columns is required.', hint: 'Pass --columns a,b or --template loan.' });
 * ```
 */
export class UsageError extends Error {
  readonly hint: string | undefined;

  constructor({ message, hint }: { message: string; hint?: string }) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
}
