import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateDocument } from '@zhima/cli';
import { createClient, type HttpRequest, type Transport } from '@zhima/core';
import { createUndiciTransport } from '@zhima/transport/undici';
import { loanTemplate, validateRecords, type ValidationOptions, type ValidationReport } from '@zhima/validator';
import { validateFile } from '@zhima/validator/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThrottleProxy, type ThrottleProxy } from '@zhima/transport/testing/node';
import { zhima } from './support/cli.js';
import { startGateway, type TestGateway } from './support/gateway.js';
import { ragged, readAtOf, webStream } from './support/inputs.js';
import {
  badIdCheckChar,
  blankValue,
  dropColumn,
  duplicateKey,
  encodeRecordsFile,
  generateLoanRecords,
  writeRecordsFile,
  type Charset,
  type Defect,
  type Layout,
  type LoanRecord,
} from './support/loan-file.js';
import { judge, LOAN_COLUMNS, LOAN_PRIMARY_KEY, withDeclaredRecords, type OracleVerdict } from './support/oracle.js';
import { randomFor, SEED } from './support/random.js';
import { expectReportMatches, expectStoreHolds } from './support/verdict.js';

// Merchant-scale files through every way in: validateRecords (bytes, a web stream, an async iterable),
// validateFile, the built `zhima validate`, and `zhima send` against the sandbox. Each file is generated
// once (seeded), judged once by the plain oracle, and reused by all its cases.

const RECORDS = 100_000;

/** How a case hands the file to the validator. */
type InputKind = 'bytes' | 'web stream, no readAt' | 'async iterable + readAt' | 'validateFile';
interface LibraryCase {
  input: InputKind;
  /** Pass the `records` param: the true count, or this many. */
  records?: 'true count' | number;
  /** Only columns and primary key, no loan-template rules (a merchant with a custom template). */
  rules?: false;
}

const EVERY_INPUT: LibraryCase[] = [
  { input: 'bytes', records: 'true count' },
  { input: 'bytes' },
  { input: 'web stream, no readAt' },
  { input: 'async iterable + readAt' },
  { input: 'validateFile' },
  { input: 'validateFile', records: 'true count' },
];
const MAIN_INPUTS: LibraryCase[] = [{ input: 'bytes' }, { input: 'web stream, no readAt' }, { input: 'validateFile', records: 'true count' }];

interface Scenario {
  name: string;
  layout: Layout;
  charset: Charset;
  /** The seeded defect, from the clean base records and the scenario's own generator. */
  defect: (base: readonly LoanRecord[], random: ReturnType<typeof randomFor>) => Defect;
  library: LibraryCase[];
  /** `zhima validate` with `--records`: the true count, or this many. */
  cliRecords?: 'true count' | number;
  send: boolean;
}

const clean = (): ((base: readonly LoanRecord[]) => Defect) => (base) => ({ records: base.slice(), description: 'no defect' });

const SCENARIOS: Scenario[] = [
  { name: 'clean, one line, UTF-8', layout: 'compact', charset: 'UTF-8', defect: clean(), library: [...MAIN_INPUTS, { input: 'bytes', records: RECORDS + 1 }, { input: 'validateFile', records: RECORDS - 1 }], cliRecords: RECORDS + 1, send: true },
  { name: 'clean, pretty-printed, UTF-8', layout: 'pretty', charset: 'UTF-8', defect: clean(), library: MAIN_INPUTS, send: true },
  { name: 'clean, one line, GBK', layout: 'compact', charset: 'GBK', defect: clean(), library: MAIN_INPUTS, send: true },
  {
    name: 'one duplicate key among the first 3000 records, one line, UTF-8',
    layout: 'compact',
    charset: 'UTF-8',
    defect: (base, random) => {
      const later = random.int(1, 3000);
      return duplicateKey(base, random.int(0, later), later);
    },
    library: EVERY_INPUT,
    send: true,
  },
  {
    name: 'the last record repeats a key, pretty-printed, UTF-8',
    layout: 'pretty',
    charset: 'UTF-8',
    defect: (base, random) => duplicateKey(base, random.int(0, base.length - 1), base.length - 1),
    library: EVERY_INPUT,
    send: true,
  },
  {
    name: 'one duplicate key anywhere, one line, GBK',
    layout: 'compact',
    charset: 'GBK',
    defect: (base, random) => {
      const later = random.int(1, base.length);
      return duplicateKey(base, random.int(0, later), later);
    },
    library: EVERY_INPUT,
    send: true,
  },
  {
    name: 'a record lacks a column, one line, UTF-8',
    layout: 'compact',
    charset: 'UTF-8',
    defect: (base, random) => dropColumn(base, random.int(0, base.length), random.pick(LOAN_COLUMNS.filter((column) => !(LOAN_PRIMARY_KEY as readonly string[]).includes(column)))),
    library: MAIN_INPUTS,
    send: true,
  },
  {
    name: 'a bad ID check character, pretty-printed, UTF-8',
    layout: 'pretty',
    charset: 'UTF-8',
    defect: (base, random) => badIdCheckChar(base, random.int(0, base.length)),
    library: MAIN_INPUTS,
    send: true,
  },
  {
    name: 'a whitespace-only primary-key value, one line, UTF-8',
    layout: 'compact',
    charset: 'UTF-8',
    defect: (base, random) => blankValue(base, random.int(0, base.length), random.pick(LOAN_PRIMARY_KEY), random.pick([' ', '   ', '\t', '\u3000', ' \u3000 '])),
    library: [...MAIN_INPUTS, { input: 'bytes', rules: false }],
    send: true,
  },
  { name: 'no records, one line', layout: 'compact', charset: 'UTF-8', defect: () => ({ records: [], description: 'no records' }), library: EVERY_INPUT, cliRecords: 0, send: true },
  { name: 'no records, pretty-printed', layout: 'pretty', charset: 'UTF-8', defect: () => ({ records: [], description: 'no records' }), library: EVERY_INPUT, send: false },
];

let dir: string;
let base: LoanRecord[];
let gateway: TestGateway;
/** Between `zhima send` and the sandbox: counts the connections, so "nothing was sent" is observed. */
let counter: ThrottleProxy;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'zhima-scenarios-'));
  base = generateLoanRecords({ count: RECORDS, random: randomFor('merchant-files-base') });
  gateway = await startGateway({ dir });
  counter = await startThrottleProxy({ target: { host: '127.0.0.1', port: gateway.port } });
});

afterAll(async () => {
  await counter?.stop();
  await gateway?.server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function options(charset: Charset, rules = true): ValidationOptions {
  return rules ? { ...loanTemplate, fileCharset: charset } : { columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_PRIMARY_KEY, fileCharset: charset };
}

/** The verdict when no template rules are given: ID numbers are nobody's business then. */
function withoutTemplateRules(verdict: OracleVerdict): OracleVerdict {
  const issues = verdict.issues.filter((issue) => issue.rule !== 'prc-id');
  return { ...verdict, issues, ok: issues.length === 0 };
}

async function validateAs(kind: InputKind, file: { bytes: Uint8Array; path: string }, validateOptions: ValidationOptions, label: string): Promise<ValidationReport> {
  switch (kind) {
    case 'bytes':
      return validateRecords({ input: file.bytes, ...validateOptions });
    case 'web stream, no readAt':
      return validateRecords({ input: webStream(file.bytes), ...validateOptions });
    case 'async iterable + readAt':
      return validateRecords({ input: ragged(file.bytes, randomFor(`chunks-${label}`)), ...validateOptions, readAt: readAtOf(file.bytes) });
    case 'validateFile':
      return validateFile({ path: file.path, ...validateOptions });
  }
}

/**
 * `zhima validate --json` for one file (`{ ok, files: [{ name, ok, report }], summary }`) agrees with the
 * oracle: its report first (the most telling message), then the document's verdicts and the exit code.
 */
function expectCliVerdict(run: { code: number | null; stdout: string }, verdict: OracleVerdict, context: string): void {
  const document = JSON.parse(run.stdout) as ValidateDocument;
  expect(document.files.length, context).toBe(1);
  expectReportMatches(document.files[0]!.report, verdict, context);
  expect({ ok: document.ok, fileOk: document.files[0]!.ok, exitCode: run.code }, context).toEqual({ ok: verdict.ok, fileOk: verdict.ok, exitCode: verdict.ok ? 0 : 1 });
}

for (const scenario of SCENARIOS) describe(scenario.name, () => {
  const file = {} as { bytes: Uint8Array; path: string; verdict: OracleVerdict; context: string };
  const count = (records: 'true count' | number) => (records === 'true count' ? file.verdict.recordCount : records);

  beforeAll(async () => {
    const defect = scenario.defect(base, randomFor(`defect-${scenario.name}`));
    file.bytes = encodeRecordsFile({ records: defect.records, layout: scenario.layout, charset: scenario.charset });
    file.path = await writeRecordsFile(dir, `${scenario.name.replace(/\W+/g, '-')}.json`, file.bytes);
    file.verdict = judge({ bytes: file.bytes, charset: scenario.charset === 'GBK' ? 'gbk' : 'utf-8', columns: LOAN_COLUMNS, primaryKeyColumns: LOAN_PRIMARY_KEY });
    file.context = `seed ${SEED} (SCENARIO_SEED=${SEED} to replay): ${scenario.name}, ${file.verdict.recordCount} records, ${file.bytes.length} bytes: ${defect.description}`;
  });

  afterAll(async () => {
    await rm(file.path, { force: true });
    Object.assign(file, { bytes: undefined, verdict: undefined });
  });

  for (const { input, records, rules = true } of scenario.library) {
    const label = `${input}, ${records === undefined ? 'no records param' : `records = ${records}`}${rules ? '' : ', no template rules'}`;
    it(`validator: ${label}`, async () => {
      const validateOptions = records === undefined ? options(scenario.charset, rules) : { ...options(scenario.charset, rules), records: count(records) };
      const judged = rules ? file.verdict : withoutTemplateRules(file.verdict);
      const verdict = records === undefined ? judged : withDeclaredRecords(judged, count(records));
      const report = await validateAs(input, file, validateOptions, scenario.name);
      expectReportMatches(report, verdict, `${file.context}; ${label}`);
    });
  }

  it('zhima validate --json (no --records, as a merchant runs it)', async () => {
    const run = await zhima(['validate', file.path, '--template', 'loan', '--file-charset', scenario.charset, '--json'], { cwd: dir, env: {} });
    const context = `${file.context}; zhima validate\n${run.stderr}`;
    expectCliVerdict(run, file.verdict, context);
  });

  if (scenario.cliRecords !== undefined) {
    const cliRecords = scenario.cliRecords;
    it(`zhima validate --records ${cliRecords} --json`, async () => {
      const declared = count(cliRecords);
      const run = await zhima(['validate', file.path, '--template', 'loan', '--file-charset', scenario.charset, '--records', String(declared), '--json'], { cwd: dir, env: {} });
      const verdict = withDeclaredRecords(file.verdict, declared);
      const context = `${file.context}; zhima validate --records ${declared}\n${run.stderr}`;
      expectCliVerdict(run, verdict, context);
    });
  }

  if (scenario.send) {
    it('zhima send: the sandbox holds exactly the file, or nothing was sent', async () => {
      gateway.sandbox.clearRecords({ appId: gateway.appId });
      const connectionsBefore = counter.connections;
      const journal = join(dir, `journal-${scenario.name.replace(/\W+/g, '-')}.json`);
      const run = await zhima(['send', file.path, '--template', 'loan', '--file-charset', scenario.charset, '--journal', journal], {
        cwd: dir,
        env: { ...gateway.env, ZHIMA_GATEWAY: `${counter.url}/gateway.do` },
      });
      const context = `${file.context}; zhima send\n${run.stdout}\n${run.stderr}`;
      const stored = gateway.sandbox.storedRecords({ appId: gateway.appId });
      if (file.verdict.ok) {
        expect(run.code, context).toBe(0);
        expectStoreHolds(stored, file.verdict.records, LOAN_PRIMARY_KEY, context);
      } else {
        // Refused before upload: exit 4 (nothing sent), not one connection to the gateway, nothing stored.
        expect(run.code, context).toBe(4);
        expect(counter.connections - connectionsBefore, `${context}\n  connections to the gateway`).toBe(0);
        expect(stored.length, context).toBe(0);
      }
    });
  }

  if (scenario.name === 'clean, one line, UTF-8') {
    it('a whitespace-only file_description is neither sent nor signed, and the upload is accepted', async () => {
      gateway.sandbox.clearRecords({ appId: gateway.appId });
      // A parameter test: the first 5000 records are enough (the whole file went through zhima send above).
      const records = file.verdict.records.slice(0, 5000);
      const bytes = new TextEncoder().encode(JSON.stringify({ records }));
      const seen: HttpRequest[] = [];
      const undici = createUndiciTransport();
      // Records what goes on the wire (the body read into bytes), then sends it unchanged.
      const recording: Transport = {
        async send(request, sendOptions) {
          const body = request.body === undefined || request.body instanceof Uint8Array ? request.body : new Uint8Array(await new Response(request.body).arrayBuffer());
          seen.push({ ...request, body });
          return undici.send({ ...request, body }, sendOptions);
        },
      };
      const client = createClient({ appId: gateway.appId, privateKey: gateway.privateKey, alipayPublicKey: gateway.alipayPublicKey, gateway: gateway.server.gatewayUrl, transport: recording, retry: false });
      try {
        const result = await client.batchFeedback({
          file: bytes,
          columns: LOAN_COLUMNS,
          primaryKeyColumns: LOAN_PRIMARY_KEY,
          records: records.length,
          fileDescription: ' \u3000\t ',
        });
        expect(result.code, file.context).toBe('10000');
      } finally {
        await undici.close();
      }
      expect(seen.length).toBe(1);
      const [request] = seen as [HttpRequest];
      expect(request.url).not.toContain('file_description');
      expect(Buffer.from(request.body as Uint8Array).indexOf('file_description'), 'file_description in the body').toBe(-1);
      expectStoreHolds(gateway.sandbox.storedRecords({ appId: gateway.appId }), records, LOAN_PRIMARY_KEY, file.context);
    });
  }
});
