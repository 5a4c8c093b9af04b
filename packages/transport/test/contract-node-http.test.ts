import { describeTransportContract } from '../src/node/testing.js';
import { createNodeHttpTransport } from '../src/node-http/index.js';

describeTransportContract({
  name: 'node:http',
  makeTransport: (options) => createNodeHttpTransport(options),
});
