import { bilingual, type Issue } from '../report/issue.js';
import type { FileCharset } from '../scan/charset-bytes.js';
import type { StructureProblem } from '../scan/file-scanner.js';
import type { JsonSyntaxReason } from '../scan/json-syntax.js';

const REASONS: Record<JsonSyntaxReason, [string, string]> = {
  'end-of-input': ['文件意外结束（被截断？）', 'unexpected end of file (truncated?)'],
  'unexpected-character': ['此处不应出现该字符', 'unexpected character'],
  'trailing-comma': ['多余的逗号（最后一项后不能有逗号）', 'trailing comma (no comma after the last item)'],
  'control-character': ['字符串中含未转义的控制字符（如换行），须写成 \\n 等', 'unescaped control character (such as a line break) in a string: write \\n etc.'],
  'bad-escape': ['无效的转义序列', 'invalid escape sequence'],
  'lone-surrogate': ['\\u 转义是不成对的代理项，无法存储为 UTF-8/GBK', 'a \\u escape is an unpaired surrogate, which cannot be stored as UTF-8/GBK'],
  'bad-number': ['数字格式错误', 'malformed number'],
  'bad-literal': ['无效的字面量（只允许 true、false、null）', 'invalid literal (only true, false, null)'],
};

const MESSAGES: Record<Exclude<StructureProblem['rule'], 'json-syntax'>, [string, string]> = {
  'file-bom': ['文件以 BOM 开头，网关要求以 {"records": 开头，请去掉 BOM', 'the file starts with a byte order mark; the gateway expects {"records": first: remove the BOM'],
  'file-prefix-whitespace': ['{"records": 开头处含空白，网关文档要求固定开头 {"records":', 'whitespace in the opening {"records":, which the gateway documents as the fixed start'],
  'file-prefix': ['文件须以 {"records": 开头', 'the file must open with {"records":'],
  'records-not-array': ['records 的值须为数组', 'the value of records must be an array'],
  'file-extra-field': ['文件只能包含 records 一个字段', 'the document may hold only the records field'],
  'trailing-content': ['结尾的 } 之后只能有空白', 'only whitespace may follow the closing }'],
  'record-too-large': ['单条记录过大（可能是字符串未闭合）', 'a single record is too large (an unclosed string?)'],
};

/**
 * Turns a scanner finding into an issue: every structure problem is what the gateway answers as
 * `JSON_PARSE_ERROR`; only the whitespace in the opening is a warning.
 *
 * @example
 * ```ts
 * structureIssue({ problem: { rule: 'file-bom', fatal: false, byteOffset: 0, line: 1, column: 1 }, charset: 'UTF-8' }).severity; // 'error'
 * ```
 */
export function structureIssue({ problem, charset }: { problem: StructureProblem; charset: FileCharset }): Issue {
  const where = `第 ${problem.line} 行第 ${problem.column} 列`;
  const whereEn = `line ${problem.line}, column ${problem.column}`;
  let text: [string, string];
  if (problem.rule === 'json-syntax') {
    const reason = REASONS[problem.reason ?? 'unexpected-character'];
    text = [`JSON 语法错误：${reason[0]}`, `JSON syntax error: ${reason[1]}`];
  } else text = MESSAGES[problem.rule];
  const severity = problem.rule === 'file-prefix-whitespace' ? 'warning' : 'error';
  const charsetNote = problem.rule === 'file-bom' && charset === 'GBK' ? bilingual('（GBK 文件不应有 UTF-8 BOM）', ' (a GBK file must not carry a UTF-8 BOM)') : '';
  return {
    code: 'JSON_PARSE_ERROR',
    rule: problem.rule,
    severity,
    message: bilingual(`${where}：${text[0]}`, `${whereEn}: ${text[1]}`) + charsetNote,
    line: problem.line,
    column: problem.column,
    byteOffset: problem.byteOffset,
  };
}
