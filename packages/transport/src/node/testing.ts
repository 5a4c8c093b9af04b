// @zhima/transport/testing/node: the contract suite and the test equipment it runs on (Node servers,
// a throttling proxy, file bodies), for testing any transport.
export { describeTransportContract, type ContractTransport, type TransportContractOptions } from './describe-transport-contract.js';
export { startContractServer, refusedUrl, type AnswerWritten, type ContractServer, type ReceivedRequest } from './contract-server.js';
export { createFileBody } from './file-body.js';
export { startThrottleProxy, type ThrottleProxy, type ThrottleProxyOptions } from './throttle-proxy.js';
