import { join } from 'node:path';
import { ConfigError, type LedgerConfig } from '../config/ledger-config.js';

/** Settings of the live feed and the webhook deliveries (environment LEDGER_SSE_* and LEDGER_WEBHOOK_*). */
export interface FeedOptions {
  /** Comment line sent on an idle event stream so proxies and clients keep it open. */
  heartbeatMs: number;
  /** Reconnection delay the event stream suggests to clients (`retry:`). */
  sseRetryMs: number;
  /** Largest page of GET /events. */
  maxPageSize: number;
  /** SQLite file of webhook registrations and checkpoints, or ':memory:'. */
  webhookDbPath: string;
  /** First retry delay of a failed delivery; doubled after each further failure, with jitter. */
  webhookBackoffBaseMs: number;
  webhookBackoffMaxMs: number;
  /** Consecutive failed attempts after which a webhook is paused (visible in its status). */
  webhookMaxFailures: number;
  /** Longest wait for a receiver's answer to one delivery. */
  webhookTimeoutMs: number;
  /** Webhooks may target loopback, private and link-local addresses (receivers inside the network). */
  webhookAllowPrivateTargets: boolean;
}

export const FEED_OPTIONS = Symbol('FEED_OPTIONS');

const flag = (env: NodeJS.ProcessEnv, name: string): boolean => {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  throw new ConfigError(`${name}: "${env[name]}" is neither true nor false`);
};

const positiveInt = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`${name}: "${raw}" is not a positive integer`);
  return value;
};

/** The defaults: a heartbeat every 15 s, retries from 1 s doubling to 5 min, paused after 10 failures. */
export const loadFeedOptions = (config: LedgerConfig, env: NodeJS.ProcessEnv = process.env): FeedOptions => {
  const options: FeedOptions = {
    heartbeatMs: positiveInt(env, 'LEDGER_SSE_HEARTBEAT_MS', 15_000),
    sseRetryMs: positiveInt(env, 'LEDGER_SSE_RETRY_MS', 2_000),
    maxPageSize: 1000,
    webhookDbPath:
      env.LEDGER_WEBHOOK_DB_PATH?.trim() ||
      (config.readModelPath === ':memory:' ? ':memory:' : join(config.dataDir, 'webhooks.sqlite')),
    webhookBackoffBaseMs: positiveInt(env, 'LEDGER_WEBHOOK_BACKOFF_BASE_MS', 1_000),
    webhookBackoffMaxMs: positiveInt(env, 'LEDGER_WEBHOOK_BACKOFF_MAX_MS', 300_000),
    webhookMaxFailures: positiveInt(env, 'LEDGER_WEBHOOK_MAX_FAILURES', 10),
    webhookTimeoutMs: positiveInt(env, 'LEDGER_WEBHOOK_TIMEOUT_MS', 10_000),
    webhookAllowPrivateTargets: flag(env, 'LEDGER_WEBHOOK_ALLOW_PRIVATE_TARGETS'),
  };
  if (options.webhookBackoffMaxMs < options.webhookBackoffBaseMs) {
    throw new ConfigError('LEDGER_WEBHOOK_BACKOFF_MAX_MS must not be below LEDGER_WEBHOOK_BACKOFF_BASE_MS');
  }
  return options;
};
