/**
 * Fields that hold personal data in Zhima templates; their values are always masked in messages. A
 * `sensitiveFields` option adds to this list, never replaces it.
 *
 * @example
 * ```ts
 * DEFAULT_SENSITIVE_FIELDS.includes('user_name'); // true
 * ```
 */
export const DEFAULT_SENSITIVE_FIELDS: readonly string[] = [
  'user_name',
  'user_credentials_no',
  'mobile',
  'phone',
  'mobile_no',
  'email',
  'address',
  'bank_card_no',
  // Common names for the same data in custom templates.
  'name',
  'real_name',
  'customer_name',
  'cert_no',
  'id_no',
  'id_card_no',
  'phone_num',
  'phone_no',
  'mobile_phone',
  'contact_phone',
];

// Standalone 18- and 15-character PRC ID shapes and mainland mobile numbers (optionally +86), wherever
// they appear (memo fields, wrong columns, fields a template names freely). Standalone: an order number
// such as LN13812345678 is not a phone number.
const PERSONAL_SHAPES = /(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])|(?<![\dA-Za-z+])(?:\+?86[- ]?)?1[3-9]\d{9}(?![\dA-Za-z])/g;
// Messages stay one line: a value longer than this (a memo, a mangled record) is cut.
const MAX_SHOWN = 40;
// Merged lists by the caller's list: every message of a run masks with one array, merged once.
const MERGED = new WeakMap<readonly string[], readonly string[]>();

/**
 * The fields masked by a check: {@link DEFAULT_SENSITIVE_FIELDS} plus the caller's `sensitiveFields`.
 *
 * @example
 * ```ts
 * sensitiveFieldsWith({ sensitiveFields: ['customer_memo'] }).includes('user_name'); // true
 * ```
 */
export function sensitiveFieldsWith({ sensitiveFields }: { sensitiveFields?: readonly string[] | undefined }): readonly string[] {
  if (sensitiveFields === undefined || sensitiveFields.length === 0 || sensitiveFields === DEFAULT_SENSITIVE_FIELDS) return DEFAULT_SENSITIVE_FIELDS;
  let merged = MERGED.get(sensitiveFields);
  if (merged === undefined) {
    merged = [...new Set([...DEFAULT_SENSITIVE_FIELDS, ...sensitiveFields])];
    MERGED.set(sensitiveFields, merged);
    // A merged list merges to itself.
    MERGED.set(merged, merged);
  }
  return merged;
}

/**
 * Masks personal data: short values (names) keep their first character, longer ones (ID numbers,
 * phone numbers) their first 3 and last 4. Over a value {@link maskValue} already masked it gives what
 * it gives over the original, so a log that masks every value (a receipt's primary keys) can start from
 * the masked values of a report or a `RecordsPart`.
 *
 * @example
 * ```ts
 * maskPersonal({ value: '张三丰' }); // '张**'
 * maskPersonal({ value: '11010519491231002X' }); // '110***********002X'
 * maskPersonal({ value: '13812345678' }); // '138****5678'
 * ```
 */
export function maskPersonal({ value }: { value: string }): string {
  const chars = [...value];
  if (chars.length <= 1) return '*';
  if (chars.length <= 8) return chars[0]! + '*'.repeat(chars.length - 1);
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}

const maskMatch = (value: string): string => maskPersonal({ value });

/**
 * A value as reports show it: masked whole in a sensitive field ({@link DEFAULT_SENSITIVE_FIELDS} and
 * `sensitiveFields`); elsewhere with every ID-number- and phone-shaped part masked. The one rule every
 * message of this package follows: use it for your own logs and receipts too.
 *
 * @example
 * ```ts
 * maskValue({ value: '张三', field: 'user_name' }); // '张*'
 * maskValue({ value: 'call 13812345678', field: 'memo' }); // 'call 138****5678'
 * maskValue({ value: 'Wang Wu', field: 'contact', sensitiveFields: ['contact'] }); // 'W******'
 * ```
 */
export function maskValue({ value, field, sensitiveFields }: { value: string; field: string; sensitiveFields?: readonly string[] | undefined }): string {
  return sensitiveFieldsWith({ sensitiveFields }).includes(field) ? maskPersonal({ value }) : value.replace(PERSONAL_SHAPES, maskMatch);
}

/**
 * How a value appears in a message: {@link maskValue}, long values shortened, quoted.
 *
 * @example
 * ```ts
 * showValue({ value: '张三', field: 'user_name', sensitiveFields: DEFAULT_SENSITIVE_FIELDS }); // '"张*"'
 * showValue({ value: '2024-13', field: 'pay_month', sensitiveFields: DEFAULT_SENSITIVE_FIELDS }); // '"2024-13"'
 * ```
 */
export function showValue({ value, field, sensitiveFields }: { value: string; field: string; sensitiveFields?: readonly string[] | undefined }): string {
  let shown = maskValue({ value, field, sensitiveFields });
  if (shown.length > MAX_SHOWN) shown = `${shown.slice(0, MAX_SHOWN)}…`;
  return JSON.stringify(shown);
}

/**
 * A record's primary key values by column as reports show them ({@link maskValue}); numbers and
 * booleans as their text. Columns that are absent or hold something else are left out; undefined
 * when none is left.
 *
 * @example
 * ```ts
 * shownPrimaryKey({ record: { order_no: 'LN1', pay_month: '2025-01' }, primaryKeyColumns: ['order_no', 'pay_month'], sensitiveFields: DEFAULT_SENSITIVE_FIELDS });
 * // { order_no: 'LN1', pay_month: '2025-01' }
 * ```
 */
export function shownPrimaryKey({
  record,
  primaryKeyColumns,
  sensitiveFields,
  decode,
}: {
  record: Readonly<Record<string, unknown>>;
  primaryKeyColumns: readonly string[];
  sensitiveFields: readonly string[];
  /** Turns a raw string value into its text (for values parsed from byte strings). */
  decode?: (value: string) => string;
}): Record<string, string> | undefined {
  if (primaryKeyColumns.length === 0) return undefined;
  const shown: Record<string, string> = {};
  for (const field of primaryKeyColumns) {
    const raw = Object.hasOwn(record, field) ? record[field] : undefined;
    let text: string;
    if (typeof raw === 'string') text = decode === undefined ? raw : decode(raw);
    else if (typeof raw === 'number' || typeof raw === 'boolean') text = String(raw);
    else continue;
    shown[field] = maskValue({ value: text, field, sensitiveFields });
  }
  return Object.keys(shown).length === 0 ? undefined : shown;
}
