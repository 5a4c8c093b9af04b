export { ZhimaError, type ZhimaErrorCode, type ZhimaErrorOptions } from './zhima-error.js';
export { GatewayError, describeGatewayAnswer, type GatewayAnswer } from './gateway-error.js';
export { TransportError, type TransportErrorReason } from './transport-error.js';
export { UnverifiedResponseError } from './unverified-response-error.js';
