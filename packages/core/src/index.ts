// Errors
export * from './errors/index.js';
// The plain-data HTTP boundary and the fetch transport (the client's default)
export type { HttpRequest, HttpResponse, Transport, TransportSendOptions, UploadProgress } from './http/types.js';
export { createFetchTransport, type FetchFunction, type FetchTransportOptions } from './http/fetch-transport.js';
export { buildMultipartBody, createBoundary, type FileContent, type MultipartBody, type MultipartPart } from './http/multipart.js';
// Text encodings
export { normalizeCharset, encodeText, decodeText, type Charset } from './encoding/charset.js';
export { bytesToBase64, base64ToBytes } from './encoding/base64.js';
export { percentEncode, encodeForm } from './encoding/url.js';
// Parameters and signing
export { formatTimestamp, parseTimestamp } from './params/timestamp.js';
export { buildSignContent, type SignParams } from './params/sign-content.js';
export { isAbsentParamValue, presentParams, type ParamValue } from './params/param-value.js';
export { RsaKey, derivePublicKey, importPrivateKey, importPublicKey, type KeyFormat, type PrivateKeyInput, type PublicKeyInput, type SignType } from './crypto/keys.js';
export { signContent, verifySignature, type SignOptions, type VerifySignatureOptions } from './crypto/sign.js';
export { generateKeyPair, type GeneratedKeyPair } from './crypto/generate-key-pair.js';
export { toPem } from './crypto/pem.js';
export type { RsaJsonWebKey, WebCryptoKey } from './crypto/web-crypto-types.js';
// Certificate mode
export { getCertificateSn, getRootCertificateSn, type CertificateInput } from './certificates/certificate-sn.js';
// Requests and responses
export {
  PRODUCTION_GATEWAY,
  SANDBOX_GATEWAY,
  buildGatewayRequest,
  type BuiltGatewayRequest,
  type GatewayCall,
  type GatewayContext,
  type GatewayFile,
} from './request/gateway-request.js';
export { verifyResponse, responseNodeName, type VerifyResponseOptions, type VerifiedResponse } from './response/verify-response.js';
// The client
export { createClient, type CallOptions, type CertificateConfig, type ClientConfig, type ExecuteParams, type GatewayResult, type ZhimaClient } from './client/client.js';
export { batchFeedbackCall, type BatchFeedbackInput } from './client/batch-feedback.js';
export {
  ALIPAY_CERT_DOWNLOAD_METHOD,
  BATCH_FEEDBACK_METHOD,
  CLOSELOOP_DATA_UPLOAD_METHOD,
  DATA_UPLOAD_INITIALIZE_METHOD,
  FEEDBACK_URL_QUERY_METHOD,
  SINGLE_DATA_UPLOAD_METHOD,
} from './client/methods.js';
export { isRetryable, type AttemptEvent, type RetryOptions } from './client/retry.js';
export { classifyFailure, type FailureOutcome, type FailureScope, type FailureVerdict } from './client/classify-failure.js';
