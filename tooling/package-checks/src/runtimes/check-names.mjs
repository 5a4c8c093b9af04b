/** The matrix columns, in order: one per check in checks.mjs. */
export const CHECK_NAMES = ['core sign/verify utf-8', 'core sign/verify gbk', 'validator small file', 'transport fetch bytes', 'transport fetch stream'];
