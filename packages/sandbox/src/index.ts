export { createSandbox, type Sandbox, type SandboxAppInfo, type SandboxOptions } from './sandbox.js';
export type { SandboxServer } from './sandbox-server.js';
export type { SandboxApp, AlipayKeyOptions } from './setup.js';
export type { SandboxScene } from './scenes.js';
export type { SandboxCall } from './call-log.js';
export type { RotateAlipayCertificateOptions, RotatedAlipayCertificate } from './certificates/keyring.js';
export type { FaultOptions } from './faults.js';
export type { AcceptedUpload, StoredRecord } from './store.js';
