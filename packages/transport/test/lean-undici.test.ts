import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as undiciPackage from 'undici';
import { describe, expect, it } from 'vitest';
import { undici } from '../src/undici/undici-module.js';

const run = promisify(execFile);
const packageRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the undici modules the transport loads', () => {
  it('are the package’s own: the Agent its index exports, and the request() its index gives every dispatcher', () => {
    // Fails when an undici upgrade moves lib/dispatcher/agent.js or lib/api/api-request.js (the transport
    // would then fall back to the whole package: correct, but the lean start-up would be lost unnoticed).
    const required = createRequire(import.meta.url);
    expect(undici.Agent).toBe(undiciPackage.Agent);
    expect(required('undici/lib/dispatcher/agent.js')).toBe(undiciPackage.Agent);
    expect(required('undici/lib/api/api-request.js')).toBe(undiciPackage.Dispatcher.prototype.request);
  });

  it('in a process of its own, send streamed and byte bodies byte for byte with their content-length, loading neither undici’s index nor Node’s fetch', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/fixtures/lean-undici-send.ts'], { cwd: packageRoot });
    const report = JSON.parse(stdout) as {
      statuses: number[];
      sent: Array<{ length: number; sha256: string }>;
      received: Array<{ length: number; sha256: string; contentLength: string; chunked: boolean }>;
      undiciIndexLoaded: boolean;
      undiciModulesLoaded: number;
      nodeFetchLoaded: boolean;
    };
    expect(report.statuses).toEqual([200, 200]);
    expect(report.received).toEqual(report.sent.map(({ length, sha256 }) => ({ length, sha256, contentLength: String(length), chunked: false })));
    expect(report.undiciModulesLoaded).toBeGreaterThan(0);
    expect(report.undiciIndexLoaded).toBe(false);
    expect(report.nodeFetchLoaded).toBe(false);
  });
});
