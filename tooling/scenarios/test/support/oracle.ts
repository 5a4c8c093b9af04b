// The plain oracle every verdict is compared with. It is written from the protocol facts
// (/work/shared/docs/protocol.md §7) and shares no code with the SDK: it decodes the whole file with the
// platform's TextDecoder, parses it with JSON.parse and keeps primary keys in a Map.

/** The common loan template's columns and primary key, copied from protocol.md §7 (not imported). */
export const LOAN_COLUMNS = [
  'user_name',
  'user_credentials_type',
  'user_credentials_no',
  'order_no',
  'biz_type',
  'order_status',
  'create_amt',
  'pay_month',
  'gmt_ovd_date',
  'overdue_days',
  'overdue_amt',
  'gmt_pay',
  'memo',
] as const;
export const LOAN_PRIMARY_KEY = ['order_no', 'pay_month'] as const;

/** The per-file bound (protocol.md §7: 50 MB, which the SDK and CLI document as 52 428 800 bytes). */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** ISO 7064 MOD 11-2 check character of the first 17 digits of a PRC ID number (GB 11643-1999). */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  // (12 - sum mod 11) mod 11, with 10 written as X.
  const value = (12 - (sum % 11)) % 11;
  return value === 10 ? 'X' : String(value);
}

export function isValidIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idCheckChar(id.slice(0, 17)) === id[17];
}

/**
 * Java's `Character.isWhitespace`, which the gateway's `StringUtils.isEmpty` rule uses: the Unicode
 * space, line and paragraph separators except the no-break spaces, plus the ASCII controls below.
 */
function isJavaWhitespace(char: string): boolean {
  if ('\t\n\u000b\f\r\u001c\u001d\u001e\u001f'.includes(char)) return true;
  if (char === '\u00a0' || char === '\u2007' || char === '\u202f') return false;
  return /^[\p{Zs}\p{Zl}\p{Zp}]$/u.test(char);
}

/** Empty, or made only of whitespace: no value at all as far as the gateway is concerned. */
export function isBlank(value: string): boolean {
  return [...value].every(isJavaWhitespace);
}

/**
 * One finding the oracle expects. `rule` undefined: some error, whatever the validator names it (for
 * behaviour whose rule name is not settled yet, such as a file with no records).
 */
export interface ExpectedIssue {
  rule: string | undefined;
  recordIndex?: number;
  relatedRecordIndex?: number;
  field?: string;
}

export interface OracleVerdict {
  ok: boolean;
  recordCount: number;
  issues: ExpectedIssue[];
  /** Every record, as parsed. */
  records: Record<string, unknown>[];
}

export interface JudgeInput {
  bytes: Uint8Array;
  charset: 'utf-8' | 'gbk';
  columns: readonly string[];
  primaryKeyColumns: readonly string[];
  /** Check ID numbers of 身份证 records (the loan template's rule). */
  checkIdNumbers?: boolean;
}

/**
 * What the gateway would say about a records file sent without a `records` param (see
 * {@link withDeclaredRecords}), by the protocol's rules, the slow and obvious way.
 */
export function judge({ bytes, charset, columns, primaryKeyColumns, checkIdNumbers = true }: JudgeInput): OracleVerdict {
  const text = new TextDecoder(charset, { fatal: true, ignoreBOM: true }).decode(bytes);
  const parsed = JSON.parse(text) as unknown;
  if (typeof parsed !== 'object' || parsed === null || Object.keys(parsed).join() !== 'records' || !Array.isArray((parsed as { records: unknown }).records)) {
    throw new Error('oracle: the generated file is not {"records":[...]}');
  }
  const records = (parsed as { records: Record<string, unknown>[] }).records;
  const issues: ExpectedIssue[] = [];
  // Nothing to send is not an upload (issue 10): a file without records is refused.
  if (records.length === 0) issues.push({ rule: undefined });
  if (bytes.length > MAX_FILE_BYTES) issues.push({ rule: 'file-too-large' });
  const firstByKey = new Map<string, number>();
  records.forEach((record, index) => {
    const missing = columns.filter((column) => !Object.hasOwn(record, column));
    const extra = Object.keys(record).filter((key) => !columns.includes(key));
    if (missing.length > 0) issues.push({ rule: 'record-missing-column', recordIndex: index, field: missing.join(',') });
    if (extra.length > 0) issues.push({ rule: 'record-extra-column', recordIndex: index, field: extra.join(',') });
    let keyComplete = true;
    for (const column of primaryKeyColumns) {
      if (!Object.hasOwn(record, column)) {
        keyComplete = false;
      } else if (isBlank(String(record[column]))) {
        issues.push({ rule: 'primary-key-empty', recordIndex: index, field: column });
        keyComplete = false;
      }
    }
    if (keyComplete) {
      const key = primaryKeyColumns.map((column) => String(record[column])).join('\u0000');
      const first = firstByKey.get(key);
      if (first === undefined) firstByKey.set(key, index);
      else issues.push({ rule: 'primary-key-duplicate', recordIndex: index, relatedRecordIndex: first });
    }
    if (checkIdNumbers && record.user_credentials_type === '0' && !isValidIdNumber(String(record.user_credentials_no))) {
      issues.push({ rule: 'prc-id', recordIndex: index, field: 'user_credentials_no' });
    }
  });
  return { ok: issues.length === 0, recordCount: records.length, issues, records };
}

/** The same verdict when the `records` param says `declaredRecords`. */
export function withDeclaredRecords(verdict: OracleVerdict, declaredRecords: number): OracleVerdict {
  if (declaredRecords === verdict.recordCount) return verdict;
  const issues = [...verdict.issues, { rule: 'records-count', field: 'records' }];
  return { ...verdict, ok: false, issues };
}
