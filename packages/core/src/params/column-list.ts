import { kindOf } from '../errors/argument-checks.js';
import { ZhimaError } from '../errors/zhima-error.js';

/**
 * What is wrong with a column list, in both languages: `message` is the English the thrown error
 * carries, `zh` the same in Chinese (for bilingual reports).
 *
 * @example
 * ```ts
 * const problem: ColumnListProblem = { kind: 'blank', message: 'columns item 2 is blank (a stray comma?).', zh: 'columns 第 2 项为空（多余的逗号？）' };
 * ```
 */
export interface ColumnListProblem {
  kind: 'not-a-list' | 'empty' | 'blank' | 'whitespace' | 'comma' | 'duplicate';
  message: string;
  zh: string;
}

const HINT =
  '列名为反馈模板中的字段编码，以英文逗号分隔，如 order_no,pay_month（首尾空格会被去掉）/ Column names are the field codes of your feedback template, comma-separated, e.g. order_no,pay_month (spaces around each name are dropped).';

const INNER_WHITESPACE = /\s/;

/**
 * Reads a column list (`columns`, `primary_key_columns`) the one way every package does: a
 * comma-separated string or an array of strings; each name trimmed (so `'order_no, pay_month'` from a
 * command line or a config file means what it says); and every problem found: no names, a blank name
 * (a stray comma), whitespace inside a name, a comma inside an array item, a name given twice. See
 * {@link parseColumnList} for the throwing form.
 *
 * @example
 * ```ts
 * inspectColumnList({ value: 'order_no, pay_month', name: 'columns' }); // { names: ['order_no', 'pay_month'], problems: [] }
 * inspectColumnList({ value: 'order_no,,pay_month', name: 'columns' }).problems[0]?.kind; // 'blank'
 * ```
 */
export function inspectColumnList({ value, name }: { value: string | readonly string[]; name: string }): { names: string[]; problems: ColumnListProblem[] } {
  // Array.from, not every(): every() skips the holes of a sparse array.
  const isList = typeof value === 'string' || (Array.isArray(value) && Array.from(value).every((item) => typeof item === 'string'));
  if (!isList) {
    return {
      names: [],
      problems: [{ kind: 'not-a-list', message: `${name} must be a comma-separated string or an array of strings, got ${kindOf(value)}.`, zh: `${name} 须为逗号分隔的字符串或字符串数组` }],
    };
  }
  const items = typeof value === 'string' ? (value.trim() === '' ? [] : value.split(',')) : Array.from(value);
  const names = items.map((item) => item.trim());
  if (names.length === 0) return { names, problems: [{ kind: 'empty', message: `${name} is empty: give at least one column.`, zh: `缺少 ${name}` }] };
  const problems: ColumnListProblem[] = [];
  const seen = new Set<string>();
  names.forEach((column, index) => {
    const position = index + 1;
    const quoted = JSON.stringify(column);
    if (column === '') problems.push({ kind: 'blank', message: `${name} item ${position} is blank (a stray comma?).`, zh: `${name} 第 ${position} 项为空（多余的逗号？）` });
    else if (column.includes(',')) problems.push({ kind: 'comma', message: `${name} item ${position}, ${quoted}, holds a comma: give one column per item.`, zh: `${name} 中的列名 ${quoted} 含逗号` });
    else if (INNER_WHITESPACE.test(column)) problems.push({ kind: 'whitespace', message: `${name} item ${position}, ${quoted}, holds whitespace: a column name is one field code.`, zh: `${name} 中的列名 ${quoted} 含空白或换行` });
    else if (seen.has(column)) problems.push({ kind: 'duplicate', message: `${name} names ${column} twice.`, zh: `${name} 中的列 ${column} 重复` });
    seen.add(column);
  });
  return { names, problems };
}

/**
 * {@link inspectColumnList}, throwing `PARAM_INVALID` for the first problem: the form the client, the
 * validator and the CLI use, so a column list is accepted or refused, with the same words, wherever
 * it is given.
 *
 * @example
 * ```ts
 * parseColumnList({ value: ' order_no , pay_month', name: 'primaryKeyColumns' }); // ['order_no', 'pay_month']
 * parseColumnList({ value: 'order no', name: 'columns' }); // throws PARAM_INVALID: columns item 1, "order no", holds whitespace…
 * ```
 */
export function parseColumnList({ value, name }: { value: string | readonly string[]; name: string }): string[] {
  const { names, problems } = inspectColumnList({ value, name });
  const [first] = problems;
  if (first !== undefined) throw new ZhimaError({ code: 'PARAM_INVALID', message: first.message, hint: HINT, option: name });
  return names;
}
