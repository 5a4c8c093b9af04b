import { describe, expect, it } from 'vitest';
import { createFetchTransport } from '../src/index.js';
import { createNodeHttpTransport } from '../src/node-http/index.js';
import { createUndiciTransport } from '../src/undici/index.js';

const refused = [
  [{ timeoutMs: -1 }, /timeoutMs must be/],
  [{ timeoutMs: Number.NaN }, /timeoutMs must be/],
  [{ headersTimeoutMs: -5 }, /headersTimeoutMs must be/],
  [{ maxResponseBytes: 1.5 }, /maxResponseBytes must be/],
  [{ maxResponseBytes: -1 }, /maxResponseBytes must be/],
] as const;

// Every adapter checks its limits when it is made, with the option's name in the message; the Node
// adapters also take bodyTimeoutMs.
const off = { timeoutMs: 0, headersTimeoutMs: 0, maxResponseBytes: Number.POSITIVE_INFINITY };
const nodeRefused = [...refused, [{ bodyTimeoutMs: Number.NaN }, /bodyTimeoutMs must be/]] as const;
describe.each([
  ['createFetchTransport', createFetchTransport, refused, off],
  ['createUndiciTransport', createUndiciTransport, nodeRefused, { ...off, bodyTimeoutMs: 0 }],
  ['createNodeHttpTransport', createNodeHttpTransport, nodeRefused, { ...off, bodyTimeoutMs: 0 }],
] as const)('%s', (_name, create, cases, offOptions) => {
  it.each(cases)('refuses %o with PARAM_INVALID', (options, message) => {
    expect(() => create(options)).toThrow(message);
    expect(() => create(options)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });

  it('takes the documented "off" values and the defaults', async () => {
    for (const options of [{}, offOptions]) {
      const transport = create(options);
      await (transport as { close?: () => Promise<void> }).close?.();
    }
  });
});
