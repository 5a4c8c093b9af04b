/**
 * Fields that hold personal data in Zhima templates; their values are always masked in messages.
 *
 * @example
 * ```ts
 * DEFAULT_SENSITIVE_FIELDS.includes('user_name'); // true
 * ```
 */
export const DEFAULT_SENSITIVE_FIELDS: readonly string[] = ['user_name', 'user_credentials_no', 'mobile', 'phone', 'mobile_no', 'email', 'address', 'bank_card_no'];

// Standalone 18- and 15-character PRC ID shapes, wherever they appear (memo fields, wrong columns).
const ID_LIKE = /(?<![\dA-Za-z])(?:\d{17}[\dXx]|\d{15})(?![\dA-Za-z])/g;
const MAX_SHOWN = 40;

/**
 * Masks personal data: short values (names) keep their first character, longer ones (ID numbers)
 * their first 3 and last 4.
 *
 * @example
 * ```ts
 * maskPersonal('张三丰'); // '张**'
 * maskPersonal('11010519491231002X'); // '110***********002X'
 * ```
 */
export function maskPersonal(value: string): string {
  const chars = [...value];
  if (chars.length <= 1) return '*';
  if (chars.length <= 8) return chars[0]! + '*'.repeat(chars.length - 1);
  return chars.slice(0, 3).join('') + '*'.repeat(chars.length - 7) + chars.slice(-4).join('');
}

/**
 * How a value appears in a message: masked for sensitive fields, PRC ID
 * shapes masked anywhere, long values shortened, quoted.
 *
 * @example
 * ```ts
 * showValue({ value: '张三', field: 'user_name', sensitiveFields: DEFAULT_SENSITIVE_FIELDS }); // '"张*"'
 * showValue({ value: '2024-13', field: 'pay_month', sensitiveFields: DEFAULT_SENSITIVE_FIELDS }); // '"2024-13"'
 * ```
 */
export function showValue({ value, field, sensitiveFields }: { value: string; field: string; sensitiveFields: readonly string[] }): string {
  let shown = sensitiveFields.includes(field) ? maskPersonal(value) : value.replace(ID_LIKE, maskPersonal);
  if (shown.length > MAX_SHOWN) shown = `${shown.slice(0, MAX_SHOWN)}…`;
  return JSON.stringify(shown);
}
