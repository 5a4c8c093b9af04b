/**
 * Where a command reads and writes: the bin passes the process's streams and environment, tests pass
 * their own. Commands never touch `process` directly.
 *
 * @example
 * ```ts
 * const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
 * ```
 */
export interface CliIo {
  stdout: { write(text: string): unknown };
  /** Progress bars are drawn only when `isTTY` is true. */
  stderr: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  env: Record<string, string | undefined>;
  /** Relative paths in arguments resolve against this directory. */
  cwd: string;
  /** Read when a command is given `-` as its input. */
  stdin?: AsyncIterable<Uint8Array>;
  /** Aborted on Ctrl-C: long commands stop cleanly (`zhima sandbox` runs until then). */
  signal?: AbortSignal;
}

/**
 * Exit codes: 0 success, 1 the work failed (an invalid file, a gateway refusal), 2 a usage or setup
 * error (flags, configuration, a journal that is not one), 75 another `zhima send` holds the journal
 * (`EX_TEMPFAIL`: nothing was done, run again once it has finished).
 *
 * @example
 * ```ts
 * process.exitCode = ok ? EXIT.OK : EXIT.FAILED;
 * ```
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, LOCKED: 75 } as const;
