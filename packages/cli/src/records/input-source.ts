import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_CONFIG_FILE } from '../config/config-file.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usage-error.js';

/**
 * One records file to check or send: a file on disk, or standard input (streamed once, never held
 * whole: `send` spools it to a temporary file while validating).
 *
 * @example
 * ```ts
 * const source: InputSource = { kind: 'file', name: 'out/day.json', path: '/data/out/day.json', size: 1024 };
 * ```
 */
export type InputSource = { kind: 'file'; name: string; path: string; size: number } | { kind: 'stdin'; name: typeof STDIN_NAME; stream: AsyncIterable<Uint8Array> };

/**
 * How standard input is named in reports and receipts.
 *
 * @example
 * ```ts
 * source.name === STDIN_NAME; // '<stdin>'
 * ```
 */
export const STDIN_NAME = '<stdin>';

// zhima's own files are never records: the config file, and dotfiles (the journal folder, locks, temporary files).
function isZhimaFile(name: string, configName: string | undefined): boolean {
  return name.startsWith('.') || name === DEFAULT_CONFIG_FILE || name === configName;
}

/**
 * Turns command-line inputs into records sources: a file; every `*.json` file of a folder, sorted by
 * name, leaving out zhima's own files (`zhima.config.json`, the `--config` file, and dotfiles such as the
 * `.zhima-journal` folder); or `-` for standard input. Naming the config file itself is a usage error.
 *
 * @example
 * ```ts
 * const sources = await collectSources({ inputs: ['out/'], io, configPath: '/srv/job/zhima.config.json' });
 * ```
 */
export async function collectSources({ inputs, io, configPath }: { inputs: string[]; io: CliIo; configPath: string }): Promise<InputSource[]> {
  if (inputs.filter((input) => input === '-').length > 1) throw new UsageError({ message: 'Standard input (-) can be given only once.' });
  const sources: InputSource[] = [];
  for (const input of inputs) {
    if (input === '-') {
      if (io.stdin === undefined) throw new UsageError({ message: 'No standard input to read for "-".' });
      sources.push({ kind: 'stdin', name: STDIN_NAME, stream: io.stdin });
      continue;
    }
    const path = resolve(io.cwd, input);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new UsageError({ message: `No such file or folder: ${input}` });
    if (info.isDirectory()) {
      const configName = resolve(path, basename(configPath)) === configPath ? basename(configPath) : undefined;
      const names = (await readdir(path)).filter((name) => name.endsWith('.json') && !isZhimaFile(name, configName)).sort();
      const files: InputSource[] = [];
      for (const name of names) {
        const filePath = join(path, name);
        const fileInfo = await stat(filePath);
        if (fileInfo.isFile()) files.push({ kind: 'file', name: join(input, name), path: filePath, size: fileInfo.size });
      }
      if (files.length === 0) throw new UsageError({ message: `The folder ${input} holds no records files (*.json, other than zhima.config.json).` });
      sources.push(...files);
    } else {
      if (path === configPath || basename(path) === DEFAULT_CONFIG_FILE) {
        throw new UsageError({ message: `${input} is the zhima config file, not a records file.`, hint: 'Give the records files (or their folder); the config file is read by itself.' });
      }
      sources.push({ kind: 'file', name: input, path, size: info.size });
    }
  }
  return sources;
}
