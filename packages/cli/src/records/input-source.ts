import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/**
 * One records file to check or send: on disk, or read from standard input into memory.
 *
 * @example
 * ```ts
 * const source: InputSource = { name: 'records.json', path: '/data/records.json', size: 1024 };
 * ```
 */
export type InputSource = { name: string; path: string; size: number; bytes?: undefined } | { name: string; bytes: Uint8Array; size: number; path?: undefined };

async function readAll(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * Turns command-line inputs into sources: a file, every `*.json` file of a folder (sorted by name, the
 * journal excluded), or `-` for standard input.
 *
 * @example
 * ```ts
 * const sources = await collectSources({ inputs: ['out/'], io, exclude: ['.zhima-journal.json'] });
 * ```
 */
export async function collectSources({ inputs, io, exclude = [] }: { inputs: string[]; io: CliIo; exclude?: string[] }): Promise<InputSource[]> {
  if (inputs.filter((input) => input === '-').length > 1) throw new UsageError({ message: 'Standard input (-) can be given only once.' });
  const sources: InputSource[] = [];
  for (const input of inputs) {
    if (input === '-') {
      if (io.stdin === undefined) throw new UsageError({ message: 'No standard input to read for "-".' });
      const bytes = await readAll(io.stdin);
      sources.push({ name: '<stdin>', bytes, size: bytes.length });
      continue;
    }
    const path = resolve(io.cwd, input);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new UsageError({ message: `No such file or folder: ${input}` });
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((name) => name.endsWith('.json') && !exclude.includes(name)).sort();
      if (names.length === 0) throw new UsageError({ message: `The folder ${input} holds no .json files.` });
      for (const name of names) {
        const filePath = join(path, name);
        const fileInfo = await stat(filePath);
        if (fileInfo.isFile()) sources.push({ name: join(input, name), path: filePath, size: fileInfo.size });
      }
    } else {
      sources.push({ name: input, path, size: info.size });
    }
  }
  return sources;
}
