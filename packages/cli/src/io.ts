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
  /** Read when a command is given `-` as its input; streamed, never read whole. */
  stdin?: AsyncIterable<Uint8Array>;
  /** Aborted on Ctrl-C: long commands stop cleanly (`zhima sandbox` runs until then). */
  signal?: AbortSignal;
}

/**
 * Exit codes, distinct so a scheduler can alert on each:
 * - `0` success: every part accepted (or accepted in an earlier run, per the journal);
 * - `1` the run failed or stopped early (network, gateway busy, a signature or app error, Ctrl-C);
 *   for `validate`, a file the gateway would refuse; for `keys inspect` / `sign`, a mismatch;
 * - `2` a usage or setup error (flags, configuration, a journal or lock that is not zhima's): nothing done;
 * - `3` `send`: the gateway refused one or more parts for their data (`40004`); every other part was accepted;
 * - `4` `send`: nothing was sent because an input is invalid or empty;
 * - `5` `send`: an answer could not be verified: the gateway may have accepted the part (check the Alipay public key);
 * - `6` `send --hold-back`: every part was accepted, and records were held back (written to the
 *   quarantine file, not sent): a person fixes them;
 * - `75` another `zhima send` holds the journal, or another `zhima sandbox` the keys folder
 *   (`EX_TEMPFAIL`: nothing was done; run again once it has finished).
 *
 * @example
 * ```ts
 * process.exitCode = ok ? EXIT.OK : EXIT.FAILED;
 * ```
 */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, REFUSED: 3, NOTHING_SENT: 4, UNVERIFIED: 5, HELD_BACK: 6, LOCKED: 75 } as const;

/**
 * One of the {@link EXIT} codes.
 *
 * @example
 * ```ts
 * const code: ExitCode = EXIT.REFUSED;
 * ```
 */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
