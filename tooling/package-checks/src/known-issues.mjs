// Failures found by these checks in packages this tooling does not own, each reported to the
// package's owner. A check listed here runs as an expected failure (vitest `it.fails`): it stays
// visible in every run, and the day the package is fixed the check passes, the expected failure
// fails, and the entry must be removed here, so a fix is never left unnoticed.

/** @type {Record<string, string>} key → why it fails and what would fix it */
export const KNOWN_ISSUES = {};

/**
 * Whether a check is a known failure.
 * @param {string} key
 */
export const isKnownIssue = (key) => Object.hasOwn(KNOWN_ISSUES, key);
