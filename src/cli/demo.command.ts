import { NestFactory } from '@nestjs/core';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { AppModule } from '../app.module.js';
import type { LedgerConfig } from '../config/ledger-config.js';
import { RecordAssignmentEvent } from '../application/commands/record-assignment-event.command.js';
import { GetEntitlements } from '../application/queries/assignment.queries.js';
import { requestHashOf } from '../application/ids.js';
import { DEMO_ASSIGNMENT_ID, letterStory } from '../demo/letter-story.js';

/**
 * `ledger demo`: records the letter's story through the same command bus as HTTP. Each step has a fixed
 * idempotency key, so running the demo twice appends nothing the second time.
 */
export const runDemo = async (config: LedgerConfig, options: { asOf: string; assignmentId?: string }) => {
  const assignmentId = options.assignmentId ?? DEMO_ASSIGNMENT_ID;
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), {
    logger: ['warn', 'error'],
  });
  try {
    const commands = app.get(CommandBus);
    const queries = app.get(QueryBus);
    let position = 0;
    let appended = 0;
    for (const [index, step] of letterStory(assignmentId).entries()) {
      const commandId = `demo-${assignmentId}-${index}`;
      const result = await commands.execute(
        new RecordAssignmentEvent(assignmentId, step.command, {
          actor: 'hr:ledger-demo',
          commandId,
          requestHash: requestHashOf(`demo ${step.command.type}`, step.command),
          correlationId: `demo-${assignmentId}`,
          ...(step.source ? { source: step.source } : {}),
        }),
      );
      position = result.position;
      if (!result.replayed) appended += result.events.length;
      console.log(
        `${result.replayed ? '=' : '+'} #${String(result.revision).padStart(2)} ${result.events
          .map((e) => e.type)
          .join(', ')
          .padEnd(30)} ${step.label}`,
      );
    }
    console.log(`\n${appended} events appended (${config.storeUrl}); last position ${position}\n`);
    const entitlements = await queries.execute(
      new GetEntitlements(assignmentId, options.asOf, undefined, position),
    );
    console.log(`Entitlements of ${assignmentId} as of ${options.asOf}:`);
    console.log(JSON.stringify(entitlements, null, 2));
  } finally {
    await app.close();
  }
};
