import { afterAll } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { describeEventStoreContract } from './event-store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-contract-'));
let files = 0;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeEventStoreContract(
  'SQLite file',
  async () => new SqliteEventStore(join(dir, `ledger-${++files}.sqlite`)),
);
describeEventStoreContract('SQLite :memory:', async () => new SqliteEventStore(':memory:'));
