/**
 * `@zhima/core/internal`: the plumbing that sibling packages of this repository (`@zhima/transport`'s
 * undici adapter) share with core's own fetch transport, so that every transport classifies failures,
 * counts inactivity and caps answers the same way.
 *
 * **Not part of the public API and not covered by semver**: names and shapes here change in any
 * release, patch releases included. Merchants use the package root (`@zhima/core`).
 *
 * @example
 * ```ts
 * import { startInactivityTimer, toTransportError, trackUpload } from '@zhima/core/internal';
 * ```
 *
 * @packageDocumentation
 */
export { startInactivityTimer, type InactivityTimer, type InactivityTimerOptions } from './http/transfer/inactivity-timer.js';
export { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, checkedResponseLimit, checkedTimeout } from './http/transfer/limits.js';
export { readResponseBody, type NodeStreamLike, type ReadResponseBodyOptions } from './http/transfer/response-body.js';
export type { StallLimit, TransferProgress } from './http/transfer/transfer-progress.js';
export { toTransportError, type FailureContext } from './http/transfer/transport-failure.js';
export { declaredLength, trackUpload, type TrackUploadOptions, type TrackedUpload } from './http/transfer/upload-body.js';
