export { describeTransportContract, type ContractTransport, type TransportContractOptions } from './describe-transport-contract.js';
export { patternByte, patternBytes, patternStream } from './pattern-bytes.js';
export { startContractServer, refusedUrl, type AnswerWritten, type ContractServer, type ReceivedRequest } from '../node/contract-server.js';
export { createFileBody } from '../node/file-body.js';
