// This file never imports the undici package, so Node's fetch runs on its own bundled undici.
import { createFetchTransport } from '../src/index.js';
import { describeTransportContract } from '../src/node/testing.js';

describeTransportContract({ name: 'fetch', makeTransport: (options) => createFetchTransport(options) });
