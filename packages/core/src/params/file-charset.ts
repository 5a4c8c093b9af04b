import { kindOf } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';

/**
 * The charset of a records file, as the gateway's `file_charset` names it: `UTF-8` or `GBK`. Not the
 * request charset (`charset`), which is separate.
 *
 * @example
 * ```ts
 * const fileCharset: FileCharset = 'GBK';
 * ```
 */
export type FileCharset = 'UTF-8' | 'GBK';

// Spellings people write for the two charsets, by their lower-case form.
const SPELLINGS: Readonly<Record<string, FileCharset>> = { 'utf-8': 'UTF-8', utf8: 'UTF-8', gbk: 'GBK' };

/**
 * The one reading of a `file_charset` value, for every package: `UTF-8`, `utf-8`, `UTF8`, `utf8` (any
 * case, surrounding spaces ignored) are `UTF-8`; `gbk` in any case is `GBK`; anything else — `GB2312`,
 * `UTF-16`, a non-string — is `PARAM_INVALID` with the same message wherever it is given.
 *
 * @example
 * ```ts
 * normalizeFileCharset({ fileCharset: 'utf8' }); // 'UTF-8'
 * normalizeFileCharset({ fileCharset: 'gbk' }); // 'GBK'
 * ```
 */
export function normalizeFileCharset({ fileCharset }: { fileCharset: string }): FileCharset {
  const found = typeof fileCharset === 'string' ? SPELLINGS[fileCharset.trim().toLowerCase()] : undefined;
  if (found !== undefined) return found;
  throw new ZhimaError({
    code: 'PARAM_INVALID',
    message: `fileCharset must be UTF-8 or GBK, got ${typeof fileCharset === 'string' ? JSON.stringify(fileCharset) : kindOf(fileCharset)}.`,
    hint: '网关的 file_charset 只接受 UTF-8 或 GBK（utf-8、utf8、gbk 等写法均可）/ The gateway accepts file_charset UTF-8 or GBK only (utf-8, utf8, gbk and the like are read as those).',
    option: 'fileCharset',
  });
}
