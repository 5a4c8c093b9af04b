import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLUMNS, PRIMARY_KEY, keyCounts, records, startGateway, tempDir, writeRecords, zhima } from './support.js';

const FILES = 4;
const PER_FILE = 50_000;

describe('reliability', () => {
  it('sends 200k records through 30% injected failures and delays; the sandbox holds each key exactly once', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    // 20% refused (20000 isp.unknow-error), 10% accepted and then cut mid-answer, 30% delayed.
    const gateway = await startGateway({ dir, faults: { seed: 2024, unavailable: 0.2, cut: 0.1, delay: 0.3, maxDelayMs: 300 } });
    for (let k = 0; k < FILES; k++) await writeRecords(join(dir, `day-${k}.json`), records(k * PER_FILE, PER_FILE));

    const result = await zhima(['send', dir, '--columns', COLUMNS, '--primary-key', PRIMARY_KEY, '--max-file-bytes', String(1024 * 1024)], { cwd: dir, env: gateway.env });
    expect(result.code, result.stderr).toBe(0);
    // The faults really happened and were retried.
    expect(result.stderr).toContain('isp.unknow-error');
    expect(result.stderr).toMatch(/TRANSPORT_ERROR (RESET|UNKNOWN)/);
    const parts = result.stdout.split('\n').filter((line) => line.startsWith('sent ')).length;
    expect(parts).toBeGreaterThan(FILES);

    const counts = keyCounts(gateway.sandbox.storedRecords({ appId: gateway.appId }));
    expect(counts.size).toBe(FILES * PER_FILE);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    for (const probe of [0, 49_999, 50_000, 199_999]) expect(counts.has(`ORD${String(probe).padStart(8, '0')}|2025-01`)).toBe(true);
  });
});
