import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createFetchTransport } from '../src/index.js';
import { describeTransportContract, startContractServer, type ReceivedRequest } from '../src/node/testing.js';
import { createUndiciTransport } from '../src/undici/index.js';
import { createRecordingTransport } from './support/recording-transport.js';

describeTransportContract({
  name: 'undici',
  makeTransport: (options) => createUndiciTransport(options),
});

describeTransportContract({
  name: 'custom (corporate header + request log over undici)',
  makeTransport: (options) => {
    const inner = createUndiciTransport(options);
    const { transport } = createRecordingTransport({ inner, headers: { 'x-corp-gateway': 'zhima' } });
    return { send: transport.send, close: inner.close };
  },
});

// The contract above holds for the transport as it loads undici: its Agent and request() modules, not the
// package's index (which the fetch-on-the-mixed-stack contract, contract-fetch-undici-loaded.test.ts, loads).
it("runs without undici's index loaded", () => {
  expect(Object.keys(createRequire(import.meta.url).cache).filter((path) => /[\\/]undici[\\/]index\.js$/.test(path))).toEqual([]);
});

describe('the README custom transport', () => {
  it('adds its header and logs each request without the query', async () => {
    const server = await startContractServer();
    const { transport, sent } = createRecordingTransport({ inner: createFetchTransport(), headers: { 'x-corp-gateway': 'zhima' } });
    try {
      const response = await transport.send({ method: 'POST', url: `${server.url}/echo?sign=secret`, headers: { 'x-own': '1' }, body: new Uint8Array([7]) });
      const seen = JSON.parse(new TextDecoder().decode(response.body)) as ReceivedRequest;
      expect(seen.headers).toMatchObject({ 'x-corp-gateway': 'zhima', 'x-own': '1' });
      expect(sent).toEqual([{ method: 'POST', path: `${server.url}/echo` }]);
    } finally {
      await server.close();
    }
  });
});
