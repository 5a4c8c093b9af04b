export { createUndiciTransport, type UndiciTransport, type UndiciTransportOptions } from './create-undici-transport.js';
export type { DispatcherOptions, TlsOptions } from './create-dispatcher.js';
export type { TransferLimitOptions } from '../limits/transfer-limit-options.js';
