// The fetch transport lives in @zhima/core (it is the client's default); this is the same function.
export { createFetchTransport } from '@zhima/core';
export type { FetchFunction, FetchTransportOptions } from '@zhima/core/internal';
