// Portable test helpers: web APIs only, for tests on any runtime. The contract suite, its server and
// the other Node-only helpers are at @zhima/transport/testing/node.
export { patternByte, patternBytes, patternStream } from './pattern-bytes.js';
