import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const cliPackage = require.resolve('@zhima/cli/package.json');
/** The built `zhima` bin, as npm would install it. */
export const ZHIMA_BIN = join(dirname(cliPackage), (require(cliPackage) as { bin: { zhima: string } }).bin.zhima);

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `zhima` as a subprocess with only the given ZHIMA_* variables; killed after `timeoutMs`. */
export function zhima(args: string[], { cwd, env, timeoutMs = 120_000 }: { cwd: string; env: Record<string, string>; timeoutMs?: number }): Promise<CliRun> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('ZHIMA_')));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ZHIMA_BIN, ...args], { cwd, env: { ...inherited, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
