// @zhima/transport/node-http: a transport on Node's own http/https modules (Node only, nothing to install).
export { createNodeHttpTransport, type NodeHttpTransport, type NodeHttpTransportOptions } from './create-node-http-transport.js';
export type { TransferLimitOptions } from '../limits/transfer-limit-options.js';
