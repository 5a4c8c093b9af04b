import { ZhimaError } from '../errors/zhima-error.js';

/** The error for a runtime whose `TextDecoder` lacks a charset (GBK needs full ICU). */
export function unsupportedCharset(charset: string, cause: unknown): ZhimaError {
  return new ZhimaError({
    code: 'CHARSET_UNSUPPORTED',
    message: `This runtime's TextDecoder has no ${charset} support.`,
    hint: '请改用 utf-8，或在带完整 ICU 的运行时 (Node、Deno、浏览器) 中使用 GBK / Use utf-8, or run GBK work on a runtime with full ICU (Node, Deno, browsers).',
    cause,
  });
}
