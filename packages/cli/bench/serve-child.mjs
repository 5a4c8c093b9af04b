// The parent side and the child side of a benchmark's gateway child process (the instant sink or the
// sandbox): the child listens on 127.0.0.1, sends `{ ready }` over IPC, and on `stop` answers with what it
// measured since it was ready (its CPU only, not its start-up) and exits.
import { fork } from 'node:child_process';

/** In the child: announce `ready`, then report and exit when the parent says `stop` (or goes away). */
export function serveUntilStopped({ server, ready, report }) {
  const cpuAtReady = process.cpuUsage();
  const stop = async () => {
    const cpu = process.cpuUsage(cpuAtReady);
    const measured = { cpuUs: cpu.user + cpu.system, maxRssBytes: process.resourceUsage().maxRSS * 1024, ...(await report()) };
    server.closeAllConnections?.();
    server.close();
    process.send({ stopped: measured }, () => process.exit(0));
  };
  process.on('message', (message) => message === 'stop' && void stop());
  process.on('disconnect', () => process.exit(0));
  process.send({ ready });
}

/** In the parent: forks `script`, resolves once it is ready, with `stop()` resolving to its report. */
export function startServeChild({ script, args = [] }) {
  const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
    child.once('message', ({ ready }) => {
      child.removeAllListeners('exit');
      const stop = () =>
        new Promise((done, fail) => {
          child.once('message', ({ stopped }) => done(stopped));
          child.once('exit', (code) => fail(new Error(`${script} exited with ${code} before reporting`)));
          child.send('stop');
        });
      resolve({ ...ready, stop });
    });
  });
}
