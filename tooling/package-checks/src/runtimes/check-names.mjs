/** The matrix columns, in order: one per check in checks.mjs, then the file check cli-entry.mjs adds. */
export const CHECK_NAMES = ['core sign/verify utf-8', 'core sign/verify gbk', 'validator small file', 'transport fetch bytes', 'transport fetch stream', 'validator/node file on disk'];

/** Checks a runtime cannot run by nature (no file system on workerd): shown as n/a, not failures. */
export const NOT_APPLICABLE = { workerd: ['validator/node file on disk'] };

/**
 * The requests whose wire shape the matrix shows, as its echo server measured them: the two transport
 * checks, and the same stream sent by the runtime's own fetch (no SDK), which is why the transport
 * reads a stream into bytes where that fetch would send it chunked.
 */
export const WIRE_ROWS = ['transport fetch bytes', 'transport fetch stream', 'runtime fetch stream'];
