export * from './errors/index.js';
export type { HttpRequest, HttpResponse, Transport, TransportSendOptions, UploadProgress } from './http/types.js';
export { normalizeCharset, encodeText, decodeText, type Charset } from './encoding/charset.js';
export { bytesToBase64, base64ToBytes } from './encoding/base64.js';
export { formatTimestamp } from './params/timestamp.js';
export { buildSignContent, type SignParams } from './params/sign-content.js';
export { RsaKey, importPrivateKey, importPublicKey, type KeyFormat, type PrivateKeyInput, type PublicKeyInput, type SignType } from './crypto/keys.js';
export { signContent, verifySignature, type SignOptions, type VerifySignatureOptions } from './crypto/sign.js';
export { toPem } from './crypto/pem.js';
