import { byteRuleOf, byteRules, withByteRule } from './byte-rules.js';
import type { FieldCheck, FieldRules } from './field-check.js';
import { amount, codeList, dateFormat, nonNegativeInteger, prcIdNumber, required } from './builtin.js';

const prcId = prcIdNumber();

/** ID numbers are checked as PRC ID numbers only when the credential type says 身份证 (`0`). */
const credentialNumber: FieldCheck = withByteRule(
  (context) => (context.record['user_credentials_type'] === '0' ? prcId(context) : undefined),
  byteRules.when({ field: 'user_credentials_type', ascii: '0', then: byteRuleOf(prcId)! }),
);

const dayOrTime = dateFormat({ formats: ['yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss'] });

/**
 * Field checks for the common loan template (codes and formats from the merchant template).
 *
 * @example
 * ```ts
 * await validateRecords({ input: bytes, columns, primaryKeyColumns, rules: loanTemplateRules });
 * ```
 */
export const loanTemplateRules: FieldRules = {
  user_name: required(),
  user_credentials_type: [required(), codeList({ codes: { '0': '身份证', '1': '户口簿', '2': '护照', A: '港澳台证件', B: '港澳台证件', C: '港澳台证件', X: '其他' } })],
  user_credentials_no: [required(), credentialNumber],
  order_no: required(),
  biz_type: [required(), codeList({ codes: { '1': '贷款' } })],
  order_status: [required(), codeList({ codes: { '01': '审批通过', '02': '审批否决', '03': '用户放弃', '04': '已放款' } })],
  create_amt: amount(),
  pay_month: [required(), dateFormat({ formats: ['yyyy-MM'] })],
  gmt_ovd_date: dayOrTime,
  overdue_days: nonNegativeInteger(),
  overdue_cnt: nonNegativeInteger(),
  overdue_amt: amount(),
  gmt_pay: dayOrTime,
};

/**
 * The common loan template as one preset: its 13 columns, primary key `order_no,pay_month` and
 * {@link loanTemplateRules}. Spread it into the options and add `records`.
 *
 * @example
 * ```ts
 * const report = await validateRecords({ input: bytes, ...loanTemplate, records: 1000 });
 * ```
 */
export const loanTemplate = {
  columns: ['user_name', 'user_credentials_type', 'user_credentials_no', 'order_no', 'biz_type', 'order_status', 'create_amt', 'pay_month', 'gmt_ovd_date', 'overdue_days', 'overdue_amt', 'gmt_pay', 'memo'],
  primaryKeyColumns: ['order_no', 'pay_month'],
  rules: loanTemplateRules,
} as const satisfies { columns: readonly string[]; primaryKeyColumns: readonly string[]; rules: FieldRules };
