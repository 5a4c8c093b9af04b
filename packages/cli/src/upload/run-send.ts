import { basename } from 'node:path';
import { classifyFailure, createClient, ZhimaError, type AttemptEvent, type FailureVerdict } from '@zhima/core';
import { BATCH_FEEDBACK_METHOD, type UploadProgress } from '@zhima/core/internal';
import packageJson from '../../package.json' with { type: 'json' };
import type { GatewayConfig } from '../config/gateway-config.js';
import type { RecordsConfig } from '../config/records-config.js';
import { CliError } from '../cli-error.js';
import type { CliIo } from '../io.js';
import { toCliWording } from '../config/library-options.js';
import { formatError } from '../output/format-error.js';
import { callIdsOf, exitCodeOf, receiptErrorOf, runResultOf } from '../output/receipt-outcome.js';
import { createProgressBar, formatBytes } from '../output/progress-bar.js';
import type { InputSource } from '../records/input-source.js';
import { adviseFailure, type AdviceSettings } from './failure-advice.js';
import type { Journal, JournalEntry, JournalOutcome } from './journal.js';
import { writeQuarantine } from './quarantine.js';
import type { ReceiptInput, ReceiptPart, RunResult, SendReceipt } from './receipt.js';
import { receiptKey, uploadParts, type PartSource, type SplitBounds, type UploadPart } from './upload-parts.js';
import { closeAll, validateInputs, withStdinSpool } from './validate-inputs.js';

/**
 * Everything a send run needs, resolved from flags, environment and config.
 *
 * @example
 * ```ts
 * const settings: SendSettings = { records, gateway, bounds: { maxFileBytes: 52_428_800 }, attempts: 5, timeoutMs: 60_000, retryDeadlineMs: 600_000, restart: false, holdBack: false };
 * ```
 */
export interface SendSettings {
  records: RecordsConfig;
  gateway: GatewayConfig;
  bounds: SplitBounds;
  attempts: number;
  timeoutMs: number;
  /** `--answer-timeout`; undefined: the transport's own rule. */
  answerTimeoutMs: number | undefined;
  retryDeadlineMs: number;
  restart: boolean;
  /** `--hold-back`: hold back bad records (to the quarantine file) and send the rest. */
  holdBack: boolean;
}

type Client = ReturnType<typeof createClient>;
type Write = (text: string) => void;

function runIdOf(started: Date): string {
  return `${started.toISOString().replaceAll(':', '-').replace('.', '-')}-${process.pid}`;
}

function describeAttempt(event: AttemptEvent): string | undefined {
  if (event.outcome !== 'retry' || event.error === undefined) return undefined;
  const { code, reason, subCode, message } = event.error;
  return `  attempt ${event.attempt} failed (${[code, reason, subCode].filter(Boolean).join(' ')}: ${message}); retrying in ${event.delayMs} ms\n`;
}

function toJournalOutcome(outcome: ReceiptPart['outcome']): JournalOutcome | undefined {
  return outcome === 'accepted' || outcome === 'unverified' || outcome === 'refused' || outcome === 'not-answered' ? outcome : undefined;
}

function resendReason(previous: JournalEntry, restart: boolean): string {
  const when = `run ${previous.runId}`;
  switch (previous.outcome) {
    case 'accepted':
      return `accepted in ${when}; --restart sends it again`;
    case 'unverified':
      return `its answer in ${when} could not be verified (the gateway may hold it); sending it again is safe: the gateway upserts by primary key`;
    case 'not-answered':
      return `no answer came in ${when}; sending it again is safe: the gateway upserts by primary key`;
    case 'refused':
      return `refused in ${when} (${previous.code ?? 'no code'}); sending it again${restart ? '' : ' as it is'}`;
  }
}

/**
 * A run of `zhima send` once inputs, settings and the journal are in hand: validates every input
 * (standard input spooled to a temporary file as it streams), uploads part by part, records each
 * outcome in the journal, prints a line per part and a summary, writes the run receipt to the journal
 * and returns it. The failure policy is core's `classifyFailure`: a part-scoped failure (a `40004`
 * refusal) lets the other parts go on; anything else stops the run.
 *
 * @example
 * ```ts
 * const receipt = await runSend({ sources, settings, journal, io, write: (text) => io.stdout.write(text) });
 * process.exitCode = receipt.exitCode;
 * ```
 */
export async function runSend({ sources, settings, journal, io, write }: { sources: InputSource[]; settings: SendSettings; journal: Journal; io: CliIo; write: Write }): Promise<SendReceipt> {
  const started = new Date();
  const runId = runIdOf(started);
  let inputs: ReceiptInput[] = [];
  const parts: ReceiptPart[] = [];
  let stoppedBy: SendReceipt['stoppedBy'] = null;
  let quarantine: string | null = null;
  let result: RunResult;
  try {
    result = await withStdinSpool({
      sources,
      work: async (spool) => {
        const validation = await validateInputs({ sources, records: settings.records, bounds: settings.bounds, holdBack: settings.holdBack, spool, io, write });
        inputs = validation.inputs;
        if (validation.valid === undefined) {
          write('Nothing was sent: fix the files above first.\n');
          return 'nothing-sent';
        }
        try {
          // Before any upload: what is held back is on disk whatever happens to the uploads.
          quarantine = (await quarantineHeldBack({ valid: validation.valid, settings, journal, runId, parts, write })) ?? null;
          stoppedBy = (await uploadAll({ valid: validation.valid, settings, journal, runId, io, write, parts, inputs })) ?? null;
        } finally {
          await closeAll(validation.valid.map((source) => source.file));
        }
        return runResultOf({ parts, stopped: stoppedBy !== null });
      },
    });
  } catch (error) {
    // Not a part's failure (a file that vanished, a full disk): the run stops, and still leaves its receipt.
    io.stderr.write(formatError(error));
    stoppedBy = { ...receiptErrorOf({ error }), hint: ZhimaError.isInstance(error) || error instanceof CliError ? (error.hint ?? null) : null, laterRunMaySucceed: false };
    result = 'failed';
  }
  const finished = new Date();
  const receipt: SendReceipt = {
    kind: 'zhima-send-receipt',
    version: 1,
    runId,
    zhimaVersion: packageJson.version,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    appId: settings.gateway.appId,
    gateway: settings.gateway.gateway,
    method: BATCH_FEEDBACK_METHOD,
    journal: journal.dir,
    restart: settings.restart,
    holdBack: settings.holdBack,
    quarantine,
    settings: {
      attempts: settings.attempts,
      timeoutSeconds: settings.timeoutMs / 1000,
      answerTimeoutSeconds: settings.answerTimeoutMs === undefined ? null : settings.answerTimeoutMs / 1000,
      retryDeadlineSeconds: settings.retryDeadlineMs / 1000,
      maxFileBytes: settings.bounds.maxFileBytes,
      maxRecordsPerFile: settings.bounds.maxRecordsPerFile ?? null,
      fileCharset: settings.records.fileCharset,
      requestCharset: settings.gateway.charset,
    },
    inputs,
    parts,
    totals: totalsOf({ inputs, parts }),
    result,
    exitCode: exitCodeOf({ result }),
    stoppedBy,
  };
  if (result !== 'nothing-sent') write(summaryOf(receipt));
  const receiptPath = await journal.saveReceipt(runId, receipt);
  write(`Journal: ${journal.dir} (this run's receipt: ${receiptPath})\n`);
  write(adviceOf(receipt));
  return receipt;
}

// The held-back records of every input, to `<journal>/quarantine/<runId>.jsonl`, and a `held-back`
// receipt entry per input that held any back.
async function quarantineHeldBack({
  valid,
  settings,
  journal,
  runId,
  parts,
  write,
}: {
  valid: PartSource[];
  settings: SendSettings;
  journal: Journal;
  runId: string;
  parts: ReceiptPart[];
  write: Write;
}): Promise<string | undefined> {
  const written = await writeQuarantine({ journalDir: journal.dir, runId, fileCharset: settings.records.fileCharset, inputs: valid });
  if (written === undefined) return undefined;
  const fileName = basename(written.path);
  for (const entry of written.inputs) {
    const source = valid.find((input) => input.name === entry.input)!;
    const held = source.heldBack!.records;
    parts.push({
      input: entry.input,
      part: source.parts.length,
      fileName,
      sha256: entry.sha256,
      records: entry.records,
      bytes: entry.bytes,
      firstPrimaryKey: receiptKey(held[0]!.primaryKey ?? {}),
      lastPrimaryKey: receiptKey(held.at(-1)!.primaryKey ?? {}),
      outcome: 'held-back',
      error: null,
      previous: null,
      traceId: null,
      requestId: null,
      attempts: 0,
      startedAt: null,
      durationMs: null,
    });
  }
  write(`quarantine ${written.path}: ${written.inputs.reduce((sum, entry) => sum + entry.records, 0)} records held back (personal data: the file is readable by its owner only)\n`);
  return written.path;
}

async function uploadAll({
  valid,
  settings,
  journal,
  runId,
  io,
  write,
  parts,
  inputs,
}: {
  valid: PartSource[];
  settings: SendSettings;
  journal: Journal;
  runId: string;
  io: CliIo;
  write: Write;
  parts: ReceiptPart[];
  inputs: ReceiptInput[];
}): Promise<SendReceipt['stoppedBy'] | undefined> {
  // timeoutMs: "give up when nothing moves for this long", uploads included; a transfer that keeps moving is never cut.
  // The wait for the answer after the last byte is handed over cannot be watched: it has its own limit.
  // The transport is loaded only now, once every input is valid: a run that sends nothing never pays for
  // it, and validation runs without its modules in the heap (with undici's, V8 ran ~16 major collections
  // instead of one over a 240 MB file: +25 % validation CPU). Node's own http is lighter to load than undici.
  const { createNodeHttpTransport } = await import('@zhima/transport/node-http');
  const transport = createNodeHttpTransport({ timeoutMs: settings.timeoutMs, ...(settings.answerTimeoutMs === undefined ? {} : { headersTimeoutMs: settings.answerTimeoutMs }) });
  const { certificates, alipayPublicKey, ...identity } = settings.gateway;
  let attempts = 0;
  const client = createClient({
    ...identity,
    ...(certificates === undefined ? { alipayPublicKey: alipayPublicKey! } : { certificates }),
    transport,
    retry: {
      attempts: settings.attempts,
      deadlineMs: settings.retryDeadlineMs,
      onAttempt: (event) => {
        attempts = event.attempt;
        io.stderr.write(describeAttempt(event) ?? '');
      },
    },
  });
  const advice: AdviceSettings = {
    gateway: settings.gateway.gateway,
    answerTimeoutMs: settings.answerTimeoutMs,
    maxFileBytes: settings.bounds.maxFileBytes,
    certificateMode: certificates !== undefined,
  };
  try {
    for (const source of valid) {
      for await (const part of uploadParts({ source, bounds: settings.bounds })) {
        attempts = 0;
        const { receiptPart, verdict, hint } = await sendPart({ part, client, journal, settings, io, write, advice, attemptsMade: () => attempts });
        parts.push(receiptPart);
        const journalOutcome = toJournalOutcome(receiptPart.outcome);
        if (journalOutcome !== undefined) {
          await journal.record(part.hash, {
            outcome: journalOutcome,
            input: part.input,
            part: part.part,
            fileName: part.fileName,
            records: part.records,
            bytes: part.size,
            appId: settings.gateway.appId,
            gateway: settings.gateway.gateway,
            at: new Date().toISOString(),
            runId,
            code: receiptPart.error === null ? null : [receiptPart.error.gatewayCode ?? receiptPart.error.code, receiptPart.error.subCode].filter(Boolean).join(' '),
          });
        }
        if (verdict !== undefined && (verdict.scope === 'run' || io.signal?.aborted)) {
          return { ...receiptPart.error!, hint, laterRunMaySucceed: verdict.laterRunMaySucceed };
        }
      }
      inputs.find((input) => input.name === source.name)!.allPartsReached = true;
    }
    return undefined;
  } finally {
    await transport.close();
  }
}

async function sendPart({
  part,
  client,
  journal,
  settings,
  io,
  write,
  advice,
  attemptsMade,
}: {
  part: UploadPart;
  client: Client;
  journal: Journal;
  settings: SendSettings;
  io: CliIo;
  write: Write;
  advice: AdviceSettings;
  attemptsMade: () => number;
}): Promise<{ receiptPart: ReceiptPart; verdict?: FailureVerdict; hint: string | null }> {
  const label = `${part.fileName} (${part.records} records, ${formatBytes(part.size)})`;
  const previousEntry = journal.previous({ hash: part.hash, appId: settings.gateway.appId, gateway: settings.gateway.gateway });
  const previous = previousEntry === undefined ? null : { outcome: previousEntry.outcome, at: previousEntry.at, runId: previousEntry.runId };
  const base = {
    input: part.input,
    part: part.part,
    fileName: part.fileName,
    sha256: part.hash,
    records: part.records,
    bytes: part.size,
    firstPrimaryKey: part.firstPrimaryKey,
    lastPrimaryKey: part.lastPrimaryKey,
    previous,
  };
  if (previousEntry?.outcome === 'accepted' && !settings.restart) {
    write(`skipped  ${label}: accepted in an earlier run (${previousEntry.at})\n`);
    return { receiptPart: { ...base, outcome: 'skipped', error: null, traceId: null, requestId: null, attempts: 0, startedAt: null, durationMs: null }, hint: null };
  }
  if (previousEntry !== undefined) write(`resend   ${label}: ${resendReason(previousEntry, settings.restart)}\n`);
  const bar = createProgressBar({ stream: io.stderr, label: `upload ${part.fileName}`, total: part.size });
  const startedAt = new Date();
  const timing = () => ({ attempts: attemptsMade(), startedAt: startedAt.toISOString(), durationMs: Date.now() - startedAt.getTime() });
  try {
    const result = await client.batchFeedback(
      {
        file: part.content,
        fileName: part.fileName,
        columns: settings.records.columns,
        primaryKeyColumns: settings.records.primaryKeyColumns,
        records: part.records,
        fileCharset: settings.records.fileCharset,
      },
      { onUploadProgress: ({ sentBytes, totalBytes }: UploadProgress) => bar.update({ done: sentBytes, total: totalBytes }), ...(io.signal ? { signal: io.signal } : {}) },
    );
    bar.finish();
    write(`sent     ${label}: ${result.code} ${result.msg}\n`);
    return { receiptPart: { ...base, outcome: 'accepted', error: null, traceId: result.traceId ?? null, requestId: result.requestId, ...timing() }, hint: null };
  } catch (error) {
    bar.finish();
    const verdict = classifyFailure({ error });
    const outcome = verdict.outcome === 'refused' ? 'refused' : verdict.outcome === 'unverified' ? 'unverified' : verdict.outcome === 'not-sent' ? 'not-sent' : 'not-answered';
    const headline = {
      refused: `REFUSED  ${label}: the gateway refused it`,
      unverified: `UNVERIFIED ${label}: an answer came but could not be verified: the gateway may have accepted it`,
      'not-sent': `NOT SENT ${label}: refused before sending`,
      'not-answered': `FAILED   ${label}: no usable answer`,
    }[outcome];
    write(`${headline}\n`);
    const said = adviseFailure({ error, verdict, fileName: part.fileName, settings: advice });
    io.stderr.write(formatError(error, said ?? {}));
    const hint = said?.hint ?? (ZhimaError.isInstance(error) ? toCliWording({ text: error.hint, option: error.option }) : undefined);
    const shown = receiptErrorOf({ error });
    const { traceId, requestId } = callIdsOf({ error });
    return {
      receiptPart: { ...base, outcome, error: said?.message === undefined ? shown : { ...shown, message: said.message }, traceId: traceId ?? null, requestId: requestId ?? null, ...timing() },
      verdict,
      hint: hint ?? null,
    };
  }
}

function totalsOf({ inputs, parts }: { inputs: ReceiptInput[]; parts: ReceiptPart[] }): SendReceipt['totals'] {
  const count = (outcome: ReceiptPart['outcome']) => parts.filter((part) => part.outcome === outcome).length;
  const accepted = parts.filter((part) => part.outcome === 'accepted');
  const heldBack = parts.filter((part) => part.outcome === 'held-back');
  return {
    inputs: inputs.length,
    parts: parts.length,
    accepted: accepted.length,
    skipped: count('skipped'),
    refused: count('refused'),
    unverified: count('unverified'),
    heldBack: count('held-back'),
    notAnswered: count('not-answered'),
    notSent: count('not-sent'),
    recordsAccepted: accepted.reduce((sum, part) => sum + part.records, 0),
    bytesAccepted: accepted.reduce((sum, part) => sum + part.bytes, 0),
    recordsHeldBack: heldBack.reduce((sum, part) => sum + part.records, 0),
  };
}

function summaryOf({ totals, durationMs }: SendReceipt): string {
  const failed = totals.notAnswered + totals.notSent;
  return (
    `Summary: ${totals.parts - totals.heldBack} parts: ${totals.accepted} sent, ${totals.skipped} already accepted (journal), ${totals.refused} refused, ` +
    `${totals.unverified} unverified, ${failed} failed; ${totals.recordsAccepted} records (${formatBytes(totals.bytesAccepted)}) sent in ${(durationMs / 1000).toFixed(1)} s` +
    `${totals.recordsHeldBack > 0 ? `; ${totals.recordsHeldBack} records held back` : ''}\n`
  );
}

// What to do next, said only where it helps: "run again" only when a later run may succeed unchanged.
function adviceOf({ result, totals, stoppedBy, quarantine }: SendReceipt): string {
  const lines: string[] = [];
  if (totals.unverified > 0) {
    lines.push(
      `${totals.unverified} part${totals.unverified > 1 ? 's' : ''} may have been accepted without a verified answer: check the Alipay public key (see the hint above). ` +
        'The next run sends them again, which is safe: the gateway upserts by primary key.',
    );
  } else if (stoppedBy !== null && stoppedBy.reason === 'ABORTED') {
    lines.push('The run was interrupted: run the same command again to send what is left: accepted parts are skipped.');
  } else if (stoppedBy !== null && stoppedBy.laterRunMaySucceed) {
    lines.push('The failure looks transient: run the same command again (now, or later) to send what is left: accepted parts are skipped.');
  } else if (stoppedBy !== null) {
    lines.push('The run stopped: fix the cause above first; a rerun with nothing changed would fail the same way. Accepted parts will be skipped.');
  }
  if (totals.recordsHeldBack > 0) {
    lines.push(
      `warning: ${totals.recordsHeldBack} record${totals.recordsHeldBack > 1 ? 's were' : ' was'} held back and NOT sent (exit 6 when all else was accepted): ` +
        `fix them from ${quarantine} (each line: record number, key, why, the record) and send them in a later file.`,
    );
  }
  if (totals.refused > 0) lines.push(`The gateway refused ${totals.refused} part${totals.refused > 1 ? 's' : ''} for their data: fix the records named above and send again.`);
  return result === 'success' || lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
