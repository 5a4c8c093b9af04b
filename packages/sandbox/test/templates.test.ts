// The .xlsx templates behind feedback_url and template_url, read back with Python's zipfile (an
// independent zip reader that checks every CRC; python3 is on every machine of this kind) and,
// separately, with a plain zip walk written here.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loanTemplate } from '@zhima/validator';
import { createSandbox, type Sandbox } from '../src/index.js';
import { makeKeyPair, type KeyPair } from './helpers/client.js';
import { bizCall } from './helpers/family.js';

const APP_ID = '2021000000000001';
const OTHER_APP = '2021000000000002';
// More than 26 columns (AA…), XML-special and Chinese text.
const WIDE = { sceneCode: 'CAR_RENTING', columns: [...Array.from({ length: 28 }, (_, i) => `field_${i}`), 'a&b<c>"d\'', '备注'] };

let app: KeyPair;
let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'zhima-sandbox-xlsx-'));

beforeAll(async () => {
  app = makeKeyPair();
  sandbox = await createSandbox({ apps: [{ appId: APP_ID, publicKey: app.publicKey }, { appId: OTHER_APP, publicKey: app.publicKey }], scenes: [WIDE] });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function download(url: string): Promise<Buffer> {
  const response = await sandbox.fetch(new Request(url));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  return Buffer.from(await response.arrayBuffer());
}

const PYTHON_READER = `
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    print(json.dumps({'bad': archive.testzip(), 'names': archive.namelist(), 'sheet': archive.read('xl/worksheets/sheet1.xml').decode('utf-8')}))
`;

function pythonZip(bytes: Buffer): { bad: string | null; names: string[]; sheet: string } {
  const file = join(dir, `t${Math.random().toString(16).slice(2)}.xlsx`);
  writeFileSync(file, bytes);
  return JSON.parse(execFileSync('python3', ['-c', PYTHON_READER, file], { encoding: 'utf8' })) as { bad: string | null; names: string[]; sheet: string };
}

// The first row's inline strings, unescaped: a reading of the sheet XML independent of our writer.
function headerRow(sheetXml: string): string[] {
  const row = /<row r="1">(.*?)<\/row>/s.exec(sheetXml)![1]!;
  const cells = [...row.matchAll(/<c r="([A-Z]+)1" t="inlineStr"><is><t>(.*?)<\/t><\/is><\/c>/g)];
  const letters = cells.map((cell) => cell[1]);
  const expectedLetters = cells.map((_, i) => (i < 26 ? String.fromCharCode(65 + i) : `A${String.fromCharCode(65 + i - 26)}`));
  expect(letters).toEqual(expectedLetters);
  return cells.map((cell) => cell[2]!.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>'));
}

// A plain walk of the central directory: every entry stored, its CRC and sizes right.
function readZip(bytes: Buffer): Map<string, Buffer> {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let cursor = bytes.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(bytes.readUInt32LE(cursor)).toBe(0x02014b50);
    const [method, crc, size, nameLength, extraLength, commentLength, offset] = [
      bytes.readUInt16LE(cursor + 10), bytes.readUInt32LE(cursor + 16), bytes.readUInt32LE(cursor + 24), bytes.readUInt16LE(cursor + 28),
      bytes.readUInt16LE(cursor + 30), bytes.readUInt16LE(cursor + 32), bytes.readUInt32LE(cursor + 42),
    ];
    const name = bytes.subarray(cursor + 46, cursor + 46 + nameLength).toString('utf8');
    expect(method).toBe(0);
    const localNameLength = bytes.readUInt16LE(offset + 26);
    const start = offset + 30 + localNameLength + bytes.readUInt16LE(offset + 28);
    const data = bytes.subarray(start, start + size);
    expect(crc32(data)).toBe(crc);
    entries.set(name, data);
    cursor += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('template files', () => {
  it('serves feedback_url as an .xlsx whose header row is the loan template, one URL per app id', async () => {
    const [mine, theirs] = await Promise.all(
      [APP_ID, OTHER_APP].map((appId) => bizCall({ sandbox, appId, privateKey: app.privateKey, method: 'zhima.data.feedbackurl.query', bizContent: { merchant_id: '2088102000000001' } })),
    );
    expect(mine!.answer.feedback_url).not.toBe(theirs!.answer.feedback_url);
    const bytes = await download(mine!.answer.feedback_url!);
    const read = pythonZip(bytes);
    expect(read.bad).toBeNull();
    expect(read.names.sort()).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml']);
    expect(headerRow(read.sheet)).toEqual([...loanTemplate.columns]);
  });

  it("serves template_url with the scene's columns, XML-special and Chinese text and columns past Z included", async () => {
    const result = await bizCall({ sandbox, appId: APP_ID, privateKey: app.privateKey, method: 'zhima.merchant.data.upload.initialize', bizContent: { scene_code: 'CAR_RENTING' } });
    expect(result.answer.template_url).toBe(`http://sandbox.test/__sandbox/templates/CAR_RENTING.xlsx?app_id=${APP_ID}`);
    const bytes = await download(result.answer.template_url!);
    const parts = readZip(bytes);
    expect([...parts.keys()]).toContain('xl/worksheets/sheet1.xml');
    expect(headerRow(parts.get('xl/worksheets/sheet1.xml')!.toString('utf8'))).toEqual(WIDE.columns);
    // The independent reader agrees with the walk above, byte for byte.
    const read = pythonZip(bytes);
    expect(read.bad).toBeNull();
    expect(read.sheet).toBe(parts.get('xl/worksheets/sheet1.xml')!.toString('utf8'));
    for (const [name, data] of parts) if (name.endsWith('.xml') || name.endsWith('.rels')) expect(data.toString('utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"/);
  });
});
