import { GatewayError, TransportError, ZhimaError } from '@zhima/core';
import { CliError } from '../cli-error.js';
import { describeSetting, toCliWording } from '../config/library-options.js';
import { UsageError } from '../usage-error.js';
import { callIdsOf } from './receipt-outcome.js';

/**
 * Turns any error into what a person needs: the stable code, the message and the hint (what to do),
 * naming the CLI's setting for the library option the error names (`error.option`), and the trace id
 * and request id of the call (what Alipay support asks for). `hint` replaces the error's own (the send
 * command's flag-specific advice, which names its settings itself). Errors from `@zhima/core` never
 * carry key material, so this is safe to print; there is never a stack trace.
 *
 * @example
 * ```ts
 * io.stderr.write(formatError(error));
 * // error GATEWAY_ERROR: zhima.data.batch.feedback failed: 40002 Invalid Arguments (isv.invalid-signature …)
 * //   hint: 验签失败… / Signature rejected: …
 * //   trace_id 0b8c…, alipay-request-id b3f1… (give both to Alipay support)
 * ```
 */
export function formatError(error: unknown, { message, hint }: { message?: string | undefined; hint?: string | undefined } = {}): string {
  if (error instanceof UsageError) return `usage error: ${error.message}\n${error.hint ? `  ${error.hint.replaceAll('\n', '\n  ')}\n` : ''}`;
  if (error instanceof CliError) return `error ${error.code}: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`;
  if (ZhimaError.isInstance(error)) {
    const { option } = error;
    const details = [
      TransportError.isInstance(error) ? `reason ${error.reason}${error.status === undefined ? '' : `, HTTP ${error.status}`}` : undefined,
      GatewayError.isInstance(error) ? `gateway code ${error.gatewayCode}${error.subCode ? `, sub_code ${error.subCode}` : ''}${error.verified ? '' : ', unsigned answer'}` : undefined,
    ].filter(Boolean);
    const shownHint = hint ?? (error.hint ? toCliWording({ text: error.hint, option }) : undefined);
    // The CLI's own advice names its settings; the library's hint gets the setting spelled out.
    const setting = hint === undefined && option !== undefined ? describeSetting({ option }) : undefined;
    const { traceId, requestId } = callIdsOf({ error });
    const ids = [traceId === undefined ? undefined : `trace_id ${traceId}`, requestId === undefined ? undefined : `alipay-request-id ${requestId}`].filter(Boolean);
    return (
      `error ${error.code}: ${toCliWording({ text: message ?? error.message, option })}\n${details.length > 0 ? `  (${details.join('; ')})\n` : ''}` +
      `${shownHint ? `  hint: ${shownHint}\n` : ''}` +
      `${setting === undefined ? '' : `  setting: ${setting}\n`}` +
      `${ids.length === 0 ? '' : `  ${ids.join(', ')} (give ${ids.length === 2 ? 'both' : 'it'} to Alipay support)\n`}`
    );
  }
  return `error: ${error instanceof Error ? error.message : String(error)}\n`;
}
