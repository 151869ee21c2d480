import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LedgerConfig } from '../../../src/config/ledger-config.js';
import { createHttpApp, listen, type BootstrapOptions } from '../../../src/http/bootstrap.js';

export const KEYS = {
  hr: 'test-hr-key',
  auditor: 'test-auditor-key',
  subscriber: 'test-subscriber-key',
  admin: 'test-admin-key',
};
export type RoleName = keyof typeof KEYS;

export interface LedgerUnderTest {
  url: string;
  config: LedgerConfig;
  app: INestApplication;
  /** Calls the API as a role; JSON bodies in and out. */
  call(
    method: string,
    path: string,
    options?: { role?: RoleName | null; body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** The real application on a real SQLite file in a temp folder, listening on a free loopback port. */
export const startLedger = async (
  env: Record<string, string> = {},
  bootstrap: BootstrapOptions = { logLevels: ['error'] },
): Promise<LedgerUnderTest> => {
  const dir = env.LEDGER_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'ledger-e2e-'));
  const config = loadConfig({
    LEDGER_STORE_URL: `sqlite:${join(dir, 'ledger.sqlite')}`,
    LEDGER_API_KEYS: Object.entries(KEYS)
      .map(([role, key]) => `${role}=${key}`)
      .join(','),
    LEDGER_MIN_POSITION_WAIT_MS: '2000',
    ...env,
  });
  const app = await createHttpApp(config, bootstrap);
  const url = await listen(app, 0, '127.0.0.1');
  const call: LedgerUnderTest['call'] = async (method, path, options = {}) => {
    const role = options.role === undefined ? 'hr' : options.role;
    const headers: Record<string, string> = { ...options.headers };
    if (role) headers.authorization = `Bearer ${KEYS[role]}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${url}${path}`, { method, headers, body: payload });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers };
  };
  return {
    url,
    config,
    app,
    call,
    close: async () => {
      await app.close();
      if (!env.LEDGER_DATA_DIR) rmSync(dir, { recursive: true, force: true });
    },
  };
};
