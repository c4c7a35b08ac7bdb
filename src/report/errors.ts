// The two kinds of failure that are not the site's errors (those are vfile messages)
// and not Broadsheet's bugs: the command line tells each apart by its class.

/** A problem with how Broadsheet was called, rather than with the site (exit 2). */
export class UsageError extends Error {}

/**
 * Something outside the site and the command stands in the way: another build holds
 * the output, a folder cannot be written (exit 1). The message says what to do.
 */
export class EnvironmentError extends Error {}
