export { createFetchTransport, type FetchFunction, type FetchTransportOptions } from './fetch/create-fetch-transport.js';
