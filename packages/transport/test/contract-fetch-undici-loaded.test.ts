// Importing the undici package installs its Agent as Node's global dispatcher when fetch has not run
// yet: fetch must keep its contract on that mixed stack too. (The undici transport itself no longer
// loads the package's index: this file does.)
import 'undici';
import { createFetchTransport } from '../src/index.js';
import { describeTransportContract } from '../src/node/testing.js';

describeTransportContract({ name: 'fetch, with npm undici loaded', makeTransport: (options) => createFetchTransport(options) });
