// The fetch transport lives in @zhima/core (it is the client's default); this is the same function.
export { createFetchTransport, type FetchFunction, type FetchTransportOptions } from '@zhima/core';
