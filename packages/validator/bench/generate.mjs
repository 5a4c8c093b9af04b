// Writes realistic loan-template records files (valid PRC ID numbers, Chinese names) for the benchmark.
// Usage: node bench/generate.mjs <records> <UTF-8|GBK> <out-path> [one-line|pretty]
// One record per line by default; `one-line` writes compact `JSON.stringify` output (no line breaks),
// `pretty` the output of `JSON.stringify(document, null, 2)`.
import { createWriteStream } from 'node:fs';
import iconv from 'iconv-lite';

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强文斌玉兰海燕晓东红梅春梅凤英';
const REGIONS = ['110101', '310104', '440305', '330106', '510107', '420102', '320102', '610113', '370102', '500103'];
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

let seed = 20261128;
const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const pick = (text) => text[Math.floor(random() * text.length)];
const pad = (n, width) => String(n).padStart(width, '0');

function idNumber() {
  const birth = `${1960 + Math.floor(random() * 45)}${pad(1 + Math.floor(random() * 12), 2)}${pad(1 + Math.floor(random() * 28), 2)}`;
  const body = `${REGIONS[Math.floor(random() * REGIONS.length)]}${birth}${pad(Math.floor(random() * 1000), 3)}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * WEIGHTS[i];
  return body + CHECK[sum % 11];
}

// The columns of the API page's own example (its 10-column list), so 1M records come to about 240 MB.
export const COLUMNS = ['user_name', 'user_credentials_type', 'user_credentials_no', 'order_no', 'biz_type', 'order_status', 'create_amt', 'pay_month', 'gmt_ovd_date', 'overdue_cnt'];
export const PRIMARY_KEY = ['order_no', 'pay_month'];

function record(i) {
  const month = 1 + (i % 12);
  const overdue = random() < 0.2;
  return {
    user_name: pick(SURNAMES) + pick(GIVEN) + (random() < 0.6 ? pick(GIVEN) : ''),
    user_credentials_type: '0',
    user_credentials_no: idNumber(),
    order_no: `LN${pad(Math.floor(i / 12), 10)}`,
    biz_type: '1',
    order_status: '04',
    create_amt: `${1000 + Math.floor(random() * 90000)}.00`,
    pay_month: `2025-${pad(month, 2)}`,
    gmt_ovd_date: overdue ? `2025-${pad(month, 2)}-15` : '',
    overdue_cnt: overdue ? String(1 + Math.floor(random() * 3)) : '0',
  };
}

// `JSON.stringify(document, null, 2)` of one record at its depth in `{"records":[…]}`.
const prettyRecord = (value) => `    ${JSON.stringify(value, null, 2).replaceAll('\n', '\n    ')}`;

export function generate({ records, charset, path, oneLine = false, pretty = false }) {
  const separator = oneLine ? ',' : ',\n';
  const [opening, closing] = oneLine ? ['{"records":[', ']}'] : pretty ? ['{\n  "records": [\n', '\n  ]\n}'] : ['{"records":[\n', '\n]}\n'];
  const show = pretty ? prettyRecord : (value) => JSON.stringify(value);
  return new Promise((resolve, reject) => {
    const out = createWriteStream(path, { highWaterMark: 1 << 20 });
    out.on('error', reject);
    const encode = (text) => (charset === 'GBK' ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8'));
    let i = 0;
    const write = () => {
      let ok = true;
      if (i === 0) ok = out.write(opening);
      while (i < records && ok) {
        let text = '';
        for (let n = 0; n < 2000 && i < records; n++, i++) text += (i === 0 ? '' : separator) + show(record(i));
        ok = out.write(encode(text));
      }
      if (i < records) out.once('drain', write);
      else out.end(closing, () => resolve());
    };
    write();
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [records, charset, path, layout] = process.argv.slice(2);
  await generate({ records: Number(records), charset, path, oneLine: layout === 'one-line', pretty: layout === 'pretty' });
}
