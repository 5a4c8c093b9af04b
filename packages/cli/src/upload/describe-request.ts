import type { BuiltGatewayRequest } from '@zhima/core';

/**
 * A signed request for `--dry-run`: the URL with the signature shortened, the headers, the sign content
 * and the body size. Nothing secret is in it: the private key never leaves the signer.
 *
 * @example
 * ```ts
 * io.stdout.write(describeRequest({ built: await client.buildSignedRequest(call) }));
 * ```
 */
export function describeRequest({ built }: { built: BuiltGatewayRequest }): string {
  const url = new URL(built.request.url);
  const sign = url.searchParams.get('sign') ?? '';
  url.searchParams.set('sign', `${sign.slice(0, 12)}…(${sign.length} chars)`);
  const headers = Object.entries(built.request.headers).map(([name, value]) => `  ${name}: ${value}`);
  return [
    `${built.request.method} ${decodeURIComponent(url.toString())}`,
    ...headers,
    `  sign content: ${built.signContent}`,
    `  body: multipart/form-data, ${built.request.headers['content-length'] ?? '?'} bytes (text params, then the file)`,
    '',
  ].join('\n');
}
