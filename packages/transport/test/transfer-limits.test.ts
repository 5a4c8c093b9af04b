import { describe, expect, it } from 'vitest';
import { createNodeHttpTransport } from '../src/node-http/index.js';
import { createUndiciTransport } from '../src/undici/index.js';

// Both Node adapters check their limits when they are made, with the option's name in the message.
describe.each([
  ['createUndiciTransport', createUndiciTransport],
  ['createNodeHttpTransport', createNodeHttpTransport],
] as const)('%s', (_name, create) => {
  it.each([
    [{ timeoutMs: -1 }, /timeoutMs must be/],
    [{ timeoutMs: Number.NaN }, /timeoutMs must be/],
    [{ headersTimeoutMs: -5 }, /headersTimeoutMs must be/],
    [{ bodyTimeoutMs: Number.NaN }, /bodyTimeoutMs must be/],
    [{ maxResponseBytes: 1.5 }, /maxResponseBytes must be/],
    [{ maxResponseBytes: -1 }, /maxResponseBytes must be/],
  ])('refuses %o with PARAM_INVALID', (options, message) => {
    expect(() => create(options)).toThrow(message);
    expect(() => create(options)).toThrow(expect.objectContaining({ code: 'PARAM_INVALID' }));
  });

  it('takes the documented "off" values and the defaults', async () => {
    for (const options of [{}, { timeoutMs: 0, headersTimeoutMs: 0, bodyTimeoutMs: 0, maxResponseBytes: Number.POSITIVE_INFINITY }]) {
      const transport = create(options);
      await transport.close();
    }
  });
});
