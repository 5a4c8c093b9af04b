import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { idCheckChar, LOAN_COLUMNS } from './oracle.js';
import type { Random } from './random.js';

export type LoanRecord = Record<string, string>;

// Common surnames and given-name characters, all in GBK (GB 2312 level 1).
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤'];
const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方'];
const GIVEN = [...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志文斌浩宇子轩梓涵一诺欣怡晨曦雨桐思远嘉怡俊杰'];
// Six-digit administrative division codes of real districts.
const REGIONS = ['110101', '110105', '110108', '120104', '210102', '310104', '310115', '320102', '330106', '370202', '420111', '440106', '440305', '500103', '510107', '610113'];
// Free text as merchants write it: quotes, backslashes and line breaks that JSON must escape, all GBK.
const MEMOS = ['', '', '', '', '', '', '按期还款', '客户称"已还款"，待核实', '分期\\第3期', '备注：第一行\n第二行', '提前结清（含违约金）', 'tab\there', '电话 138-0000-0000 已联系'];

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function chineseName(random: Random): string {
  const surname = random.next() < 0.03 ? random.pick(COMPOUND_SURNAMES) : random.pick(SURNAMES);
  const given = random.pick(GIVEN) + (random.next() < 0.7 ? random.pick(GIVEN) : '');
  return surname + given;
}

/** A PRC ID number with a real birth date and the right check character (written from the spec). */
export function idNumber(random: Random): string {
  const first17 = `${random.pick(REGIONS)}${random.int(1960, 2004)}${pad(random.int(1, 13))}${pad(random.int(1, 29))}${pad(random.int(1, 1000), 3)}`;
  return first17 + idCheckChar(first17);
}

function money(random: Random, min: number, max: number): string {
  return `${random.int(min, max)}.${pad(random.int(0, 100))}`;
}

/**
 * `count` loan-template records as a lender reports them: each loan order is one record per instalment
 * month (so `order_no` repeats and `order_no,pay_month` is unique), most borrowers identified by
 * 身份证, some overdue.
 */
export function generateLoanRecords({ count, random }: { count: number; random: Random }): LoanRecord[] {
  const records: LoanRecord[] = [];
  for (let order = 0; records.length < count; order++) {
    const startYear = random.int(2019, 2026);
    const startMonth = random.int(1, 13);
    const instalments = random.int(1, 13);
    const orderNo = `LN${startYear}${pad(startMonth)}${pad(random.int(1, 29))}${pad(order, 7)}`;
    const byPassport = random.next() < 0.05;
    const borrower = {
      user_name: chineseName(random),
      user_credentials_type: byPassport ? '2' : '0',
      user_credentials_no: byPassport ? `E${pad(random.int(0, 1e8), 8)}` : idNumber(random),
    };
    const approved = random.next() < 0.9;
    const amount = `${random.int(10, 500)}00.00`;
    for (let k = 0; k < instalments && records.length < count; k++) {
      const months = startYear * 12 + startMonth - 1 + k;
      const year = Math.floor(months / 12);
      const month = (months % 12) + 1;
      const overdue = approved && random.next() < 0.1;
      records.push({
        ...borrower,
        order_no: orderNo,
        biz_type: '1',
        order_status: approved ? '04' : random.pick(['01', '02', '03']),
        create_amt: amount,
        pay_month: `${year}-${pad(month)}`,
        gmt_ovd_date: overdue ? `${year}-${pad(month)}-${pad(random.int(1, 29))}` : '',
        overdue_days: overdue ? String(random.int(1, 91)) : '0',
        overdue_amt: overdue ? money(random, 100, 5000) : '0.00',
        gmt_pay: approved && !overdue ? `${year}-${pad(month)}-${pad(random.int(1, 29))} ${pad(random.int(0, 24))}:${pad(random.int(0, 60))}:${pad(random.int(0, 60))}` : '',
        memo: random.pick(MEMOS),
      });
    }
  }
  // Keys in template order, as a merchant's mapping writes them.
  return records.map((record) => Object.fromEntries(LOAN_COLUMNS.map((column) => [column, record[column]!])));
}

export type Layout = 'compact' | 'pretty';
export type Charset = 'UTF-8' | 'GBK';

/** The file's bytes: `JSON.stringify` output on one line, or indented by 2, in UTF-8 or GBK. */
export function encodeRecordsFile({ records, layout, charset }: { records: readonly LoanRecord[]; layout: Layout; charset: Charset }): Uint8Array {
  const text = layout === 'compact' ? JSON.stringify({ records }) : JSON.stringify({ records }, null, 2);
  if (charset === 'UTF-8') return new TextEncoder().encode(text);
  const bytes = new Uint8Array(iconv.encode(text, 'gbk'));
  // iconv-lite writes '?' for what GBK lacks: make sure nothing was replaced.
  if (new TextDecoder('gbk').decode(bytes) !== text) throw new Error('generator: text not representable in GBK');
  return bytes;
}

/** One record changed (a shallow copy of the list; the base records stay as they were). */
function withRecord(records: readonly LoanRecord[], index: number, change: (record: LoanRecord) => LoanRecord): LoanRecord[] {
  const copy = records.slice();
  copy[index] = change({ ...records[index]! });
  return copy;
}

/** A seeded defect: the changed records and a sentence for failure messages. */
export interface Defect {
  records: LoanRecord[];
  description: string;
}

/** Record `later` gets the primary key of record `earlier`: exactly one duplicate pair. */
export function duplicateKey(records: readonly LoanRecord[], earlier: number, later: number): Defect {
  const source = records[earlier]!;
  return {
    records: withRecord(records, later, (record) => ({ ...record, order_no: source.order_no!, pay_month: source.pay_month! })),
    description: `record ${later} repeats the primary key of record ${earlier}`,
  };
}

export function dropColumn(records: readonly LoanRecord[], index: number, column: string): Defect {
  return {
    records: withRecord(records, index, (record) => {
      delete record[column];
      return record;
    }),
    description: `record ${index} lacks column ${column}`,
  };
}

/** The first 身份证 record at or after `from` gets a wrong check character. */
export function badIdCheckChar(records: readonly LoanRecord[], from: number): Defect & { index: number } {
  let index = from;
  while (records[index]!.user_credentials_type !== '0') index = (index + 1) % records.length;
  const id = records[index]!.user_credentials_no!;
  const wrong = id[17] === '0' ? '1' : '0';
  return {
    records: withRecord(records, index, (record) => ({ ...record, user_credentials_no: id.slice(0, 17) + wrong })),
    description: `record ${index} has ID check character ${wrong} instead of ${id[17]}`,
    index,
  };
}

export function blankValue(records: readonly LoanRecord[], index: number, column: string, blank: string): Defect {
  return {
    records: withRecord(records, index, (record) => ({ ...record, [column]: blank })),
    description: `record ${index} has ${column} = ${JSON.stringify(blank)}`,
  };
}

/** Writes the bytes into `dir` and returns the path. */
export async function writeRecordsFile(dir: string, name: string, bytes: Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}
