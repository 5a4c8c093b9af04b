import { GatewayError, TransportError, ZhimaError } from '@zhima/core';
import { CliError } from '../cli-error.js';
import { UsageError } from '../usage-error.js';
import { toCliWording } from './cli-wording.js';

/**
 * Turns any error into what a person needs: the stable code, the message and the hint (what to do),
 * naming the CLI's flags rather than the libraries' option names. `hint` replaces the error's own
 * (the send command's flag-specific advice). Errors from `@zhima/core` never carry key material, so
 * this is safe to print; there is never a stack trace.
 *
 * @example
 * ```ts
 * io.stderr.write(formatError(error));
 * // error GATEWAY_ERROR: zhima.data.batch.feedback failed: 40002 Invalid Arguments (isv.invalid-signature …)
 * //   hint: 验签失败… / Signature rejected: …
 * ```
 */
export function formatError(error: unknown, { message, hint }: { message?: string | undefined; hint?: string | undefined } = {}): string {
  if (error instanceof UsageError) return `usage error: ${error.message}\n${error.hint ? `  ${error.hint.replaceAll('\n', '\n  ')}\n` : ''}`;
  if (error instanceof CliError) return `error ${error.code}: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`;
  if (ZhimaError.isInstance(error)) {
    const details = [
      TransportError.isInstance(error) ? `reason ${error.reason}${error.status === undefined ? '' : `, HTTP ${error.status}`}` : undefined,
      GatewayError.isInstance(error) ? `gateway code ${error.gatewayCode}${error.subCode ? `, sub_code ${error.subCode}` : ''}${error.verified ? '' : ', unsigned answer'}` : undefined,
    ].filter(Boolean);
    const shownHint = hint ?? error.hint;
    return (
      `error ${error.code}: ${toCliWording(message ?? error.message)}\n${details.length > 0 ? `  (${details.join('; ')})\n` : ''}` +
      `${shownHint ? `  hint: ${toCliWording(shownHint)}\n` : ''}`
    );
  }
  return `error: ${error instanceof Error ? error.message : String(error)}\n`;
}
