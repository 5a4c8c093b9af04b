import { bilingual, recordMark, type IssueCollector } from '../report/issue.js';
import { firstInvalidByte, type FileCharset } from '../scan/charset-bytes.js';
import type { IssueLocation, RecordIssues } from './record-issues.js';

// Records holding non-ASCII bytes sampled in a GBK-declared file: enough to tell a UTF-8 file from a GBK
// one (UTF-8 text of CJK characters is rarely also valid GBK over 64 records), bounded so a GBK file
// pays for at most 64 UTF-8 checks.
const GBK_SAMPLE_RECORDS = 64;

/**
 * The charset findings of a file's records: bytes that are not valid in the declared charset (with a
 * hint, once, when they read as the other charset), and, for a file declared GBK, a sample of records
 * that settles whether it is UTF-8 after all (`charset-mismatch`).
 *
 * @example
 * ```ts
 * const charsets = new CharsetChecks({ charset: 'GBK', issues, collector });
 * if (charsets.sampling) charsets.sample(bytes, start, end);
 * charsets.finish();
 * ```
 */
export class CharsetChecks {
  private readonly charset: FileCharset;
  private readonly issues: RecordIssues;
  private readonly collector: IssueCollector;
  private hintGiven = false;
  private samples = 0;
  private samplesUtf8 = 0;
  private firstSample: IssueLocation | undefined;

  constructor(options: { charset: FileCharset; issues: RecordIssues; collector: IssueCollector }) {
    this.charset = options.charset;
    this.issues = options.issues;
    this.collector = options.collector;
  }

  /** True while a GBK-declared file's records are still sampled. */
  get sampling(): boolean {
    return this.charset === 'GBK' && this.samples < GBK_SAMPLE_RECORDS;
  }

  /** Counts the current record, at `[start, end)` of `bytes`, towards the GBK-declared-but-UTF-8 sample if it holds non-ASCII bytes. */
  sample(bytes: Uint8Array, start: number, end: number): void {
    let at = start;
    while (at < end && bytes[at]! < 0x80) at++;
    if (at === end) return;
    this.samples++;
    if (firstInvalidByte({ bytes, start, end, charset: 'UTF-8' }) >= 0) return;
    this.samplesUtf8++;
    this.firstSample ??= this.issues.locate(at);
  }

  /** Reports the current record's first byte invalid in the declared charset and returns the record decoded leniently. */
  invalidBytes(bytes: Uint8Array): string {
    const { start, end, recordIndex } = this.issues;
    const gbk = this.charset === 'GBK';
    const bad = firstInvalidByte({ bytes, start, end, charset: this.charset });
    const at = bad < 0 ? start : bad;
    this.issues.add('error', () => {
      let hint = '';
      if (!this.hintGiven) {
        this.hintGiven = true;
        const other = firstInvalidByte({ bytes, start, end, charset: gbk ? 'UTF-8' : 'GBK' });
        if (other < 0) hint = gbk ? bilingual('；内容像是 UTF-8，请检查 fileCharset', '; the bytes look like UTF-8: check fileCharset') : bilingual('；内容像是 GBK，请把 fileCharset 设为 GBK', '; the bytes look like GBK: set fileCharset to GBK');
      }
      const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
      return {
        code: 'INVALID_PARAMETER',
        rule: 'charset-invalid',
        severity: 'error',
        message: bilingual(`记录 ${recordMark(recordIndex)} 含有非 ${this.charset} 字节 0x${byte}`, `record ${recordMark(recordIndex)} holds byte 0x${byte}, which is not valid ${this.charset}`) + hint,
        ...this.issues.where(),
        ...this.issues.locate(at),
      };
    });
    return new TextDecoder(gbk ? 'gbk' : 'utf-8').decode(bytes.subarray(start, end));
  }

  /** Settles the sample once the scan is over: every sampled record valid UTF-8 means the file is UTF-8. */
  finish(): void {
    if (this.samples > 0 && this.samplesUtf8 === this.samples && this.firstSample !== undefined) {
      const where = this.firstSample;
      const issue = {
        code: 'INVALID_PARAMETER',
        rule: 'charset-mismatch',
        severity: 'error',
        message: bilingual('file_charset 声明为 GBK，但文件内容是 UTF-8 编码；请把 fileCharset 改为 UTF-8', 'file_charset says GBK but the bytes are UTF-8: declare fileCharset UTF-8'),
        ...where,
      } as const;
      // A file-level error: kept however many issues came before.
      this.collector.add(issue);
    }
    // Reports at most once.
    this.samples = 0;
  }
}
