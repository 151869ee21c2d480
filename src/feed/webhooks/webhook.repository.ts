import Database from 'better-sqlite3';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { FEED_OPTIONS, type FeedOptions } from '../feed-options.js';

export type WebhookStatus = 'active' | 'paused';
/** Why a webhook is paused: its receiver kept failing, or someone asked. */
export type PausedReason = 'failures' | 'requested';

export interface Webhook {
  id: string;
  /** Who may manage it: the role and a fingerprint of the API key that registered it. */
  owner: string;
  /** The caller's actor at registration (role and X-Actor), for people reading the list. */
  createdBy: string;
  url: string;
  /** Event types delivered; null for every type. */
  types: string[] | null;
  secret: string;
  /** Global position of the last event delivered (or the position registration started after). */
  checkpoint: number;
  status: WebhookStatus;
  pausedReason: PausedReason | null;
  /** Consecutive failed attempts; back to 0 after a delivery or a resume. */
  failures: number;
  lastError: string | null;
  lastAttemptAt: string | null;
  lastDeliveredAt: string | null;
  delivered: number;
  createdAt: string;
}

interface Row {
  id: string;
  owner: string;
  created_by: string;
  url: string;
  types: string | null;
  secret: string;
  checkpoint: number;
  status: WebhookStatus;
  paused_reason: PausedReason | null;
  failures: number;
  last_error: string | null;
  last_attempt_at: string | null;
  last_delivered_at: string | null;
  delivered: number;
  created_at: string;
}

const toWebhook = (row: Row): Webhook => ({
  id: row.id,
  owner: row.owner,
  createdBy: row.created_by,
  url: row.url,
  types: row.types === null ? null : (JSON.parse(row.types) as string[]),
  secret: row.secret,
  checkpoint: row.checkpoint,
  status: row.status,
  pausedReason: row.paused_reason,
  failures: row.failures,
  lastError: row.last_error,
  lastAttemptAt: row.last_attempt_at,
  lastDeliveredAt: row.last_delivered_at,
  delivered: row.delivered,
  createdAt: row.created_at,
});

const SCHEMA = `
CREATE TABLE IF NOT EXISTS webhooks (
  id                TEXT PRIMARY KEY,
  owner             TEXT NOT NULL,
  created_by        TEXT NOT NULL,
  url               TEXT NOT NULL,
  types             TEXT,
  secret            TEXT NOT NULL,
  checkpoint        INTEGER NOT NULL CHECK (checkpoint >= 0),
  status            TEXT NOT NULL CHECK (status IN ('active', 'paused')),
  paused_reason     TEXT CHECK (paused_reason IN ('failures', 'requested')),
  failures          INTEGER NOT NULL DEFAULT 0,
  last_error        TEXT,
  last_attempt_at   TEXT,
  last_delivered_at TEXT,
  delivered         INTEGER NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS webhooks_by_owner ON webhooks (owner, created_at);
`;

/**
 * Webhook registrations and their durable checkpoints, in their own SQLite file beside the data
 * (whichever event store runs), so a restart resumes each webhook after its last delivered event.
 */
@Injectable()
export class WebhookRepository implements OnApplicationShutdown {
  private readonly db: Database.Database;

  constructor(@Inject(FEED_OPTIONS) options: FeedOptions) {
    const path = options.webhookDbPath;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    if (path !== ':memory:') {
      // It holds the signing secrets; SQLite gives its journal the same permissions.
      chmodSync(path, 0o600);
      this.db.pragma('journal_mode = WAL');
      // NORMAL may lose the last checkpoints on power loss: those events are delivered again (at least once).
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
  }

  insert(
    hook: Pick<
      Webhook,
      'id' | 'owner' | 'createdBy' | 'url' | 'types' | 'secret' | 'checkpoint' | 'createdAt'
    >,
  ): Webhook {
    this.db
      .prepare(
        `INSERT INTO webhooks (id, owner, created_by, url, types, secret, checkpoint, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'active', ?)`,
      )
      .run(
        hook.id,
        hook.owner,
        hook.createdBy,
        hook.url,
        hook.types === null ? null : JSON.stringify(hook.types),
        hook.secret,
        hook.checkpoint,
        hook.createdAt,
      );
    return this.get(hook.id)!;
  }

  get(id: string): Webhook | undefined {
    const row = this.db.prepare<[string], Row>('SELECT * FROM webhooks WHERE id = ?').get(id);
    return row ? toWebhook(row) : undefined;
  }

  /** Every webhook, or those of one owner, oldest first. */
  list(owner?: string): Webhook[] {
    const rows =
      owner === undefined
        ? this.db.prepare<[], Row>('SELECT * FROM webhooks ORDER BY created_at, id').all()
        : this.db
            .prepare<[string], Row>('SELECT * FROM webhooks WHERE owner = ? ORDER BY created_at, id')
            .all(owner);
    return rows.map(toWebhook);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM webhooks WHERE id = ?').run(id).changes > 0;
  }

  recordDelivery(id: string, position: number, at: string): void {
    this.db
      .prepare(
        `UPDATE webhooks SET checkpoint = MAX(checkpoint, ?), failures = 0, delivered = delivered + 1,
           last_attempt_at = ?, last_delivered_at = ? WHERE id = ?`,
      )
      .run(position, at, at, id);
  }

  /** Counts a failed attempt; the one that reaches `maxFailures` in a row pauses the webhook. */
  recordFailure(id: string, error: string, at: string, maxFailures: number): Webhook | undefined {
    this.db
      .prepare(
        `UPDATE webhooks SET failures = failures + 1, last_error = ?, last_attempt_at = ?,
           status = CASE WHEN failures + 1 >= ? THEN 'paused' ELSE status END,
           paused_reason = CASE WHEN failures + 1 >= ? THEN 'failures' ELSE paused_reason END
         WHERE id = ?`,
      )
      .run(error.slice(0, 500), at, maxFailures, maxFailures, id);
    return this.get(id);
  }

  pause(id: string): Webhook | undefined {
    this.db
      .prepare(
        `UPDATE webhooks SET status = 'paused', paused_reason = 'requested' WHERE id = ? AND status = 'active'`,
      )
      .run(id);
    return this.get(id);
  }

  /** Active again from its checkpoint, with a clean failure count (the last error stays for reference). */
  resume(id: string): Webhook | undefined {
    this.db
      .prepare(`UPDATE webhooks SET status = 'active', paused_reason = NULL, failures = 0 WHERE id = ?`)
      .run(id);
    return this.get(id);
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
