/**
 * The server under `--cpu-prof` (server-process.ts): a profile is written on a normal exit only, and
 * SIGTERM would end the process at once. A file, not `-e`: worker threads inherit `-e` and ran it too.
 */
process.once('SIGTERM', () => process.exit(0));
await import('../src/main.js');
