/**
 * `@zhima/core/internal`: what the sibling packages of this repository (`@zhima/validator`,
 * `@zhima/transport`, `@zhima/sandbox`, `@zhima/cli`) share with core, so each protocol rule —
 * charsets, the column list, the sign content, the failure classification of a transport — lives
 * once: the request builder and its pieces, charset and base64 codecs, the file-charset and
 * column-list readers, certificate SNs, method names, and the transfer plumbing of the transports.
 *
 * **Not part of the public API and not covered by semver**: names and shapes here change in any
 * release, patch releases included. Merchants use the package root (`@zhima/core`).
 *
 * @example
 * ```ts
 * import { parseColumnList, normalizeFileCharset } from '@zhima/core/internal';
 * ```
 *
 * @packageDocumentation
 */
// Parameters: the file charset, the column list, absent values, timestamps, the sign content
export { normalizeFileCharset } from './params/file-charset.js';
export { inspectColumnList, parseColumnList, type ColumnListProblem } from './params/column-list.js';
export { isAbsentParamValue, isJsonObjectText, type ParamValue } from './params/param-value.js';
export { parseTimestamp } from './params/timestamp.js';
export { buildSignContent, type SignParams } from './params/sign-content.js';
// Text encodings
export { normalizeCharset, encodeText, decodeText, type Charset } from './encoding/charset.js';
export { bytesToBase64, base64ToBytes } from './encoding/base64.js';
export { percentEncode } from './encoding/url.js';
// Keys and certificates beyond what a merchant imports
export { derivePublicKey, type KeyFormat, type PrivateKeyInput, type PublicKeyInput, type SignType } from './crypto/keys.js';
export type { GeneratedKeyPair } from './crypto/generate-key-pair.js';
export type { SignContentOptions, VerifySignatureOptions } from './crypto/sign.js';
export { toPem } from './crypto/pem.js';
export type { RsaJsonWebKey, WebCryptoKey } from './crypto/web-crypto-types.js';
export { getCertificateSn, getRootCertificateSn, type CertificateInput } from './certificates/certificate-sn.js';
// Requests and answers
export { buildGatewayRequest, type BuiltGatewayRequest, type GatewayContext, type GatewayFile } from './request/gateway-request.js';
export { checkGatewayUrl, inspectGatewayUrl, type GatewayUrlProblem } from './request/gateway-url.js';
export { responseNodeName, type VerifiedResponse, type VerifyResponseOptions } from './response/verify-response.js';
export type { FileContent, MultipartPart } from './http/multipart.js';
export type { AnswerExcerpt, TimeoutLimit } from './errors/transport-error.js';
export type { ExecuteParams } from './client/client.js';
export type { CertificateConfig } from './client/config.js';
export type { FailureOutcome, FailureScope } from './client/classify-failure.js';
// The family's calls as data (the client builds them; `zhima sign` and tests build them too)
export { closeloopDataUploadCall, dataUploadInitializeCall, feedbackUrlQueryCall, singleDataUploadCall } from './client/family-calls.js';
export { DEFAULT_FILE_NAME, MAX_RECORDS_FILE_BYTES } from './client/records-file-params.js';
export { DATA_UPLOAD_PARAM_MAX_LENGTHS, FEEDBACK_PARAM_MAX_LENGTHS, MAX_SINGLE_DATA_LENGTH } from './params/param-limits.js';
export { REQUEST_ID_HEADER, TRACE_ID_HEADER } from './client/tracing.js';
export {
  ALIPAY_CERT_DOWNLOAD_METHOD,
  BATCH_FEEDBACK_METHOD,
  CLOSELOOP_DATA_UPLOAD_METHOD,
  DATA_UPLOAD_INITIALIZE_METHOD,
  FEEDBACK_URL_QUERY_METHOD,
  SINGLE_DATA_UPLOAD_METHOD,
} from './client/methods.js';
// The transports' shared plumbing: one failure classification, inactivity timer and answer cap
export type { FetchFunction, FetchTransportOptions } from './http/fetch-transport.js';
export type { UploadProgress } from './http/types.js';
export { startInactivityTimer, type InactivityTimer, type InactivityTimerOptions } from './http/transfer/inactivity-timer.js';
export { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, checkedResponseLimit, checkedTimeout } from './http/transfer/limits.js';
export { readResponseBody, type NodeStreamLike, type ReadResponseBodyOptions } from './http/transfer/response-body.js';
export type { StallLimit, TransferProgress } from './http/transfer/transfer-progress.js';
export { toTransportError, type FailureContext } from './http/transfer/transport-failure.js';
export { declaredLength, trackUpload, type TrackUploadOptions, type TrackedUpload } from './http/transfer/upload-body.js';
