/** Exit codes of the `ledger` command, documented in README. */
export const EXIT = {
  OK: 0,
  /** verify found an altered, missing or reordered event; replay --verify found a difference. */
  CHECK_FAILED: 1,
  /** Bad arguments or settings. */
  USAGE: 2,
  /** The store could not be opened or reached. */
  STORE_UNAVAILABLE: 3,
  /** Anything else (the message says what). */
  ERROR: 4,
} as const;
