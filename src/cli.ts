import { PersonalData } from './personal-data/personal-data.js';
import 'reflect-metadata';
import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type LedgerConfig } from './config/ledger-config.js';
import { createEventStore } from './event-store/create-event-store.js';
import { isBusinessDate } from './domain/shared/calendar.js';
import { today, toInstant } from './application/time.js';
import { EXIT } from './cli/exit-codes.js';
import { exportLedger } from './cli/export.command.js';
import { parseNotedHead, verifyLedger } from './cli/verify.command.js';
import type { NotedHead } from './event-store/integrity.js';
import { replayLedger } from './cli/replay.command.js';
import { runDemo } from './cli/demo.command.js';
import { serve } from './serve.js';

const businessDate = (value: string): string => {
  if (!isBusinessDate(value)) throw new InvalidArgumentError('expected a real calendar date YYYY-MM-DD');
  return value;
};
const instant = (value: string): string => {
  const at = toInstant(value);
  if (at === undefined) throw new InvalidArgumentError('expected an ISO 8601 instant');
  return at;
};

const config = (): LedgerConfig => loadConfig(process.env);

class StoreUnavailable extends Error {}
const openStore = async (url: string) => {
  try {
    return await createEventStore(url);
  } catch (error) {
    throw new StoreUnavailable(
      `cannot open the store ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
};

const program = new Command()
  .name('ledger')
  .description(
    'The assignment ledger. Settings come from the environment: LEDGER_STORE_URL (default sqlite:data/ledger.sqlite), PORT, LEDGER_API_KEYS.',
  )
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? EXIT.OK : EXIT.USAGE));

program
  .command('serve')
  .description('serve the HTTP API (same as npm start)')
  .action(async () => {
    await serve(config());
  });

program
  .command('demo')
  .description(
    "record the Valence letter's assignment and its story into the configured store, then print the entitlements",
  )
  .option('--as-of <date>', 'business date of the entitlements printed', businessDate)
  .option('--assignment <id>', 'assignment id to record the story under')
  .action(async (options: { asOf?: string; assignment?: string }) => {
    await runDemo(config(), { asOf: options.asOf ?? today(), assignmentId: options.assignment });
  });

program
  .command('replay')
  .description('rebuild every read model from the first event (progress bar on stderr)')
  .option('--verify', 'rebuild into scratch storage and exit 1 if anything differs from the live read models')
  .option('--quiet', 'no progress bar')
  .action(async (options: { verify?: boolean; quiet?: boolean }) => {
    process.exitCode = await replayLedger(config(), { verify: !!options.verify, quiet: !!options.quiet });
  });

program
  .command('verify')
  .description('check that no stored event was altered, removed or reordered since it was written')
  .option('--head', 'print the head of the log as <position>:<hash>, to note now and compare later')
  .option(
    '--expect-head <position:hash>',
    'exit 1 unless the log still holds this noted head (catches a truncated end or a rewritten history)',
    (value) => {
      const noted = parseNotedHead(value);
      if (!noted)
        throw new InvalidArgumentError('expected <position>:<64 hex digits>, as verify --head prints it');
      return noted;
    },
  )
  .option('--quiet', 'no progress bar')
  .action(async (options: { head?: boolean; expectHead?: NotedHead; quiet?: boolean }) => {
    const cfg = config();
    const report = await verifyLedger(
      cfg,
      () => openStore(cfg.storeUrl),
      !!options.quiet,
      options.expectHead,
    );
    if (!report.ok) {
      const p = report.problem;
      const event = p.eventId ? `, event ${p.eventId} in ${p.streamId}` : '';
      console.error(`verify FAILED at position ${p.position}${event}: ${p.reason}`);
      process.exitCode = EXIT.CHECK_FAILED;
      return;
    }
    console.log(`verify ok: ${report.events} events, head position ${report.headPosition}`);
    if (options.head || options.expectHead) console.log(`head ${report.headPosition}:${report.head}`);
  });

program
  .command('export')
  .description('history with metadata and the entitlements at a date, for working papers (to stdout)')
  .option('--assignment <id>', 'one assignment only')
  .option('--format <format>', 'json or csv', (v) => {
    if (v !== 'json' && v !== 'csv') throw new InvalidArgumentError('json or csv');
    return v;
  })
  .option('--as-of <date>', 'business date of the entitlements (default today)', businessDate)
  .option('--known-at <instant>', 'leave out what was recorded after this instant', instant)
  .action(
    async (options: { assignment?: string; format?: 'json' | 'csv'; asOf?: string; knownAt?: string }) => {
      const store = await openStore(config().storeUrl);
      const personalData = PersonalData.open(config());
      try {
        process.stdout.write(
          await exportLedger(
            store,
            {
              assignment: options.assignment,
              format: options.format ?? 'json',
              asOf: options.asOf ?? today(),
              knownAt: options.knownAt,
            },
            personalData,
          ),
        );
      } finally {
        personalData.close();
        await store.close();
      }
    },
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`ledger: ${error.message}`);
    process.exit(EXIT.USAGE);
  }
  console.error(`ledger: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof StoreUnavailable ? EXIT.STORE_UNAVAILABLE : EXIT.ERROR);
}
