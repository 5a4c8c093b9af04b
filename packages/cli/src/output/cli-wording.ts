// Library option names and the CLI's way to set each. Only camelCase identifiers (and two library
// names): they cannot be mistaken for ordinary words. A stand-in until the libraries give their hints
// a structured "option" field that front ends render themselves.
const WORDING: readonly [RegExp, string][] = [
  [/\bretry\.deadlineMs\b/g, '--retry-deadline'],
  [/\bheadersTimeoutMs\b/g, '--answer-timeout'],
  [/\b(?:bodyTimeoutMs|timeoutMs)\b/g, '--timeout'],
  [/\bfileCharset\b/g, '--file-charset'],
  [/\balipayPublicKey\b/g, '--alipay-public-key-file'],
  [/\balipayCertificate\b/g, '--alipay-cert-file'],
  [/\bappCertificate\b/g, '--app-cert-file'],
  [/\bprivateKey\b/g, '--private-key-file'],
  [/\bsignType\b/g, '--sign-type'],
  [/\bappAuthToken\b/g, 'ZHIMA_APP_AUTH_TOKEN'],
  [/\bappId\b/g, '--app-id'],
  [/\bmaxFileBytes\b/g, '--max-file-bytes'],
  [/\bmaxIssues\b/g, '--max-issues'],
  [/\bcreateRecordsFileWriter\b/g, 'zhima send'],
  [/@zhima\/validator\b/g, 'zhima validate'],
];

/**
 * Rewrites a library message or hint for the command line: where it names a library option
 * (`fileCharset`, `retry.deadlineMs`, `alipayPublicKey`, …), it names the flag that sets it instead.
 *
 * @example
 * ```ts
 * toCliWording('the bytes look like GBK: set fileCharset to GBK'); // 'the bytes look like GBK: set --file-charset to GBK'
 * ```
 */
export function toCliWording(text: string): string {
  let result = text;
  for (const [pattern, replacement] of WORDING) result = result.replace(pattern, replacement);
  return result;
}
