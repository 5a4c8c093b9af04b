export { createSandbox, type Sandbox, type SandboxAppInfo, type SandboxOptions, type SandboxServer } from './sandbox.js';
export type { SandboxApp, AlipayKeyOptions } from './setup.js';
export type { FaultOptions } from './faults.js';
export type { AcceptedUpload, StoredRecord } from './store.js';
