import { runCli } from './run-cli.js';

// The bin: wires the process to runCli. Ctrl-C aborts the running command; a second one exits at once.
const controller = new AbortController();
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});
process.once('SIGTERM', () => controller.abort());

process.exitCode = await runCli({
  argv: process.argv.slice(2),
  io: { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), stdin: process.stdin, signal: controller.signal },
});
