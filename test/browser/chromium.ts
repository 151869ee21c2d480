import { existsSync } from 'node:fs';

/** Debian's chromium (apt-get install -y chromium): the only browser the tests and benches drive. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, and nothing that would reach past localhost (this machine's network is closed). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why a browser suite cannot run here, or undefined when it can. */
export const browserMissing = (): string | undefined =>
  existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (Debian: apt-get install -y chromium)`;
