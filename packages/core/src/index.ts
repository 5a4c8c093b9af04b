/**
 * `@zhima/core`: what a merchant calls to report data to Zhima Credit through the Alipay gateway —
 * the client, its failure policy, the errors, keys and signatures, and the transport boundary.
 * The plumbing sibling packages share lives in `@zhima/core/internal` (outside semver).
 *
 * @example
 * ```ts
 * import { classifyFailure, createClient } from '@zhima/core';
 * ```
 *
 * @packageDocumentation
 */
// The client, its calls and its failure policy
export { createClient, type CallOptions, type GatewayResult, type ZhimaClient } from './client/client.js';
export type { CertificateStore, ClientConfig } from './client/config.js';
export { batchFeedbackCall, type BatchFeedbackInput } from './client/batch-feedback.js';
export type { CloseloopDataUploadInput } from './client/closeloop-data-upload.js';
export type { SingleDataUploadInput } from './client/single-data-upload.js';
export type { AttemptEvent, RetryOptions } from './client/retry.js';
export type { RequestEvent, ResponseEvent } from './client/tracing.js';
export { classifyFailure, type FailureVerdict } from './client/classify-failure.js';
export { PRODUCTION_GATEWAY, SANDBOX_GATEWAY, type GatewayCall } from './request/gateway-request.js';
export type { FileCharset } from './params/file-charset.js';
// Errors
export { ZhimaError, type ZhimaErrorCode } from './errors/zhima-error.js';
export { GatewayError, type GatewayAnswer } from './errors/gateway-error.js';
export { TransportError, type TransportErrorReason } from './errors/transport-error.js';
export { UnverifiedResponseError } from './errors/unverified-response-error.js';
// Keys, signatures, answers, timestamps
export { RsaKey, importPrivateKey, importPublicKey } from './crypto/keys.js';
export { generateKeyPair } from './crypto/generate-key-pair.js';
export { signContent, verifySignature } from './crypto/sign.js';
export { verifyResponse } from './response/verify-response.js';
export { formatTimestamp } from './params/timestamp.js';
// The plain-data HTTP boundary and the fetch transport (the client's default)
export type { HttpRequest, HttpResponse, Transport, TransportSendOptions } from './http/types.js';
export { createFetchTransport } from './http/fetch-transport.js';
