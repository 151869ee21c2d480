import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import {
  assignmentEntitlementsProjection,
  entitlementsOf,
  type EntitlementsDoc,
  type ProjectedEvent,
} from '../../projections/index.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist', 'src', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'ledger-cli-'));
const pristine = join(dir, 'pristine.sqlite');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `ledger` command against a ledger file, as an auditor would. */
const ledger = async (file: string, ...args: string[]): Promise<Outcome> => {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], {
      env: { ...process.env, LEDGER_STORE_URL: `sqlite:${file}`, LEDGER_DATA_DIR: dir },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

/** A copy of the demo ledger, changed behind the ledger's back with raw SQL. */
const tampered = (name: string, sql: string): string => {
  const file = join(dir, `${name}.sqlite`);
  copyFileSync(pristine, file);
  const db = new Database(file);
  db.exec(sql);
  db.close();
  return file;
};

const eventAt = (position: number): { event_id: string; stream_id: string } => {
  const db = new Database(pristine, { readonly: true });
  try {
    return db.prepare('SELECT event_id, stream_id FROM events WHERE position = ?').get(position) as {
      event_id: string;
      stream_id: string;
    };
  } finally {
    db.close();
  }
};

/** Splits RFC 4180 CSV (quoted cells, doubled quotes, CRLF). */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else if (c !== '\r') cell += c;
  }
  return rows;
};

beforeAll(async () => {
  await run('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  const demo = await ledger(pristine, 'demo', '--as-of', '2006-04-30');
  expect(demo.code).toBe(0);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ledger demo', () => {
  it("records the letter's story once: a second run appends nothing", async () => {
    const again = await ledger(pristine, 'demo', '--as-of', '2006-04-30');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 events appended');
    expect(again.stdout).toContain('"capLb": "10580"');
  });
});

describe('ledger verify', () => {
  it('passes an untouched ledger and prints its head hash', async () => {
    const ok = await ledger(pristine, 'verify', '--head', '--quiet');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/verify ok: 33 events/);
    expect(ok.stdout).toMatch(/head 33:[0-9a-f]{64}/);
  });

  it('catches an edited field and names the event', async () => {
    const victim = eventAt(5);
    const file = tampered(
      'edited',
      `UPDATE events SET data = replace(data, '480', '380') WHERE position = 4;
      UPDATE events SET data = replace(data, '2500.00', '3500.00') WHERE position = 6`,
    );
    const out = await ledger(file, 'verify', '--quiet');
    expect(out.code).toBe(1);
    expect(out.stderr).toContain(eventAt(4).event_id);
    expect(victim).toBeDefined();
  });

  it('catches a deleted event in the middle', async () => {
    const file = tampered('deleted', 'DELETE FROM events WHERE position = 10');
    const out = await ledger(file, 'verify', '--quiet');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/verify FAILED at position 11/);
    expect(out.stderr).toContain(eventAt(11).event_id);
  });

  it('catches two swapped events', async () => {
    const file = tampered(
      'swapped',
      `UPDATE events SET position = -1 WHERE position = 7;
       UPDATE events SET position = 7 WHERE position = 8;
       UPDATE events SET position = 8 WHERE position = -1;`,
    );
    const out = await ledger(file, 'verify', '--quiet');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/verify FAILED at position 7/);
    expect(out.stderr).toContain(eventAt(8).event_id);
  });

  it('catches a dropped last event against the head noted earlier', async () => {
    const noted = /head (\d+:[0-9a-f]{64})/.exec(
      (await ledger(pristine, 'verify', '--head', '--quiet')).stdout,
    )![1]!;
    const file = tampered(
      'truncated',
      'DELETE FROM events WHERE position = (SELECT MAX(position) FROM events)',
    );
    const alone = await ledger(file, 'verify', '--quiet');
    expect(alone.code).toBe(0);
    const against = await ledger(file, 'verify', '--quiet', '--expect-head', noted);
    expect(against.code).toBe(1);
    expect(against.stderr).toMatch(/verify FAILED at position 33: the log ends at position 32/);
  });

  it('still accepts a noted head after later appends, and catches a history rewritten with fresh hashes', async () => {
    const noted = /head (\d+:[0-9a-f]{64})/.exec(
      (await ledger(pristine, 'verify', '--head', '--quiet')).stdout,
    )![1]!;
    const grown = join(dir, 'grown.sqlite');
    copyFileSync(pristine, grown);
    expect((await ledger(grown, 'demo', '--assignment', 'second-letter', '--as-of', '2006-04-30')).code).toBe(
      0,
    );
    expect((await ledger(grown, 'verify', '--quiet', '--expect-head', noted)).code).toBe(0);
    const [position, hash] = noted.split(':');
    const forged = `${position}:${'0'.repeat(64)}`;
    const out = await ledger(grown, 'verify', '--quiet', '--expect-head', forged);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('differs from the noted head');
    expect(hash).toHaveLength(64);
  });
});

describe('ledger export', () => {
  it('reproduces, from the CSV alone, the event count and the entitlements figures', async () => {
    const json = JSON.parse((await ledger(pristine, 'export', '--as-of', '2006-04-30')).stdout);
    const csv = await ledger(pristine, 'export', '--format', 'csv', '--as-of', '2006-04-30');
    expect(csv.code).toBe(0);
    const [header, ...rows] = parseCsv(csv.stdout);
    expect(header).toEqual(
      expect.arrayContaining(['position', 'eventId', 'type', 'recordedAt', 'businessDate', 'data']),
    );
    expect(rows).toHaveLength(json.eventCount);
    expect(rows).toHaveLength(33);

    const col = (name: string) => header!.indexOf(name);
    let doc: EntitlementsDoc | undefined;
    for (const row of rows) {
      const event: ProjectedEvent = {
        streamId: row[col('streamId')]!,
        eventId: row[col('eventId')]!,
        type: row[col('type')]!,
        data: JSON.parse(row[col('data')]!),
        recordedAt: row[col('recordedAt')]!,
        position: Number(row[col('position')]),
        revision: Number(row[col('revision')]),
      };
      doc = assignmentEntitlementsProjection.evolve(
        doc ?? assignmentEntitlementsProjection.init(row[col('assignmentId')]!),
        event,
      );
    }
    const fromCsv = entitlementsOf(doc!, { asOf: '2006-04-30' });
    expect(fromCsv).toEqual(json.assignments[0].entitlements);
    expect(fromCsv!.shipments.return.capLb).toBe('10580');
    expect(fromCsv!.homeLeave.years.find((y) => y.year === 2006)!.forfeited).toBe(2);
  });

  it('leaves out what was recorded after --known-at', async () => {
    const before = await ledger(pristine, 'export', '--known-at', '2000-01-01T00:00:00Z');
    expect(JSON.parse(before.stdout).eventCount).toBe(0);
  });

  it('refuses an impossible date with a usage error', async () => {
    const out = await ledger(pristine, 'export', '--as-of', '2005-02-30');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('real calendar date');
  });
});

describe('ledger replay', () => {
  it('rebuilds the read models and verifies a rebuild equals the live ones', async () => {
    const rebuilt = await ledger(pristine, 'replay', '--quiet');
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stdout).toMatch(/replay ok: 33 events/);
    const verified = await ledger(pristine, 'replay', '--verify', '--quiet');
    expect(verified.code).toBe(0);
  });

  it('fails --verify when a live read model differs from the events', async () => {
    const db = new Database(join(dir, 'read-models.sqlite'));
    const table = (
      db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%summary%'").get() as {
        name: string;
      }
    ).name;
    db.prepare(`UPDATE "${table}" SET doc = json_set(doc, '$.status', 'active')`).run();
    db.close();
    const verified = await ledger(pristine, 'replay', '--verify', '--quiet');
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain('DIFFERENT assignment-summary valence-2005-coo-shanghai');
  });
});
