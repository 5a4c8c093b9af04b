import type { BuiltGatewayRequest } from '@zhima/core/internal';

/**
 * A signed request for `--dry-run`: the URL (public params and `sign`; `app_auth_token` travels in the
 * body and is not shown), the headers, the sign content and the body size. Nothing secret is in it.
 *
 * @example
 * ```ts
 * io.stdout.write(describeRequest({ built: await client.buildSignedRequest(call) }));
 * ```
 */
export function describeRequest({ built }: { built: BuiltGatewayRequest }): string {
  const headers = Object.entries(built.request.headers).map(([name, value]) => `  ${name}: ${value}`);
  return [
    `${built.request.method} ${built.request.url}`,
    ...headers,
    `  sign content: ${built.signContent}`,
    `  body: multipart/form-data, ${built.request.headers['content-length'] ?? '?'} bytes (text params, then the file)`,
    '',
  ].join('\n');
}
