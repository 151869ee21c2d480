import { describe, expect, it } from '@jest/globals';
import { Metadata, status } from '@grpc/grpc-js';
import { convertToCommandError, type StreamingRead } from '@eventstore/db-client';
import { ReadStream } from '@eventstore/db-client/dist/streams/utils/ReadStream.js';
import { convertGrpcEvent, convertGrpcRecord } from '@eventstore/db-client/dist/utils/convertGrpcEvent.js';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb.js';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb.js';
import { randomUUID } from 'node:crypto';
import { PassThrough } from 'node:stream';
import {
  DuplicateEventError,
  InvalidPositionError,
  StreamRemovedError,
  type EventMetadata,
  type NewEvent,
  type StoredEvent,
} from '../../../src/event-store/event-store.port.js';
import { EsdbEventStore } from '../../../src/event-store/eventstoredb/esdb-event-store.js';
import {
  appendIdOf,
  isInvalidPositionError,
  matchEarlierAttempt,
  removalFromMetadata,
  resultOfWrite,
  toStoredEvent,
  UnreadableEventError,
} from '../../../src/event-store/eventstoredb/esdb-mapping.js';
import { consume, ReadDeadlineError, within } from '../../../src/event-store/eventstoredb/esdb-reads.js';
import { canonicalJson } from '../../../src/event-store/integrity.js';
import { ProblemFilter } from '../../../src/http/problem/problem.filter.js';

/**
 * What the EventStoreDB adapter does with what @eventstore/db-client 6.2.1 hands it, checked with the
 * client's own classes (its ReadStream, protobuf messages and converters) and no server; the same
 * behaviours run against a server in test/contract/eventstoredb.contract.test.ts.
 */

interface RecordSpec {
  streamId?: string;
  revision?: number;
  position?: number;
  type?: string;
  data?: string;
  metadata?: string;
  contentType?: string;
}

/** A recorded event as the server sends it on the wire. */
const grpcRecord = (spec: RecordSpec = {}): ReadResp.ReadEvent.RecordedEvent => {
  const record = new ReadResp.ReadEvent.RecordedEvent();
  const id = new UUID();
  id.setString(randomUUID());
  record.setId(id);
  const stream = new StreamIdentifier();
  stream.setStreamName(Buffer.from(spec.streamId ?? 'assignment-joe'));
  record.setStreamIdentifier(stream);
  record.setStreamRevision(String(spec.revision ?? 0));
  record.setPreparePosition(String(spec.position ?? 4096));
  record.setCommitPosition(String(spec.position ?? 4096));
  record.getMetadataMap().set('type', spec.type ?? 'AssignmentStarted');
  record.getMetadataMap().set('content-type', spec.contentType ?? 'application/json');
  record.getMetadataMap().set('created', '638000000000000000');
  record.setData(Buffer.from(spec.data ?? '{"assignmentId":"joe"}'));
  record.setCustomMetadata(Buffer.from(spec.metadata ?? '{"actor":"hr"}'));
  return record;
};

const readResponse = (spec: RecordSpec = {}): ReadResp => {
  const event = new ReadResp.ReadEvent();
  event.setEvent(grpcRecord(spec));
  const response = new ReadResp();
  response.setEvent(event);
  return response;
};

/** The client's own ReadStream over a gRPC call that sends `responses` and records cancel(). */
const clientRead = (responses: ReadResp[], endAfterwards = true) => {
  const call = Object.assign(new PassThrough({ objectMode: true }), {
    cancelled: 0,
    cancel(): void {
      call.cancelled += 1;
    },
  });
  for (const response of responses) call.write(response);
  if (endAfterwards) call.end();
  const read = new ReadStream(async () => call as never, convertGrpcEvent, {}) as unknown as StreamingRead<{
    event?: unknown;
  }>;
  return { read, call };
};

describe('EventStoreDB reads end their gRPC call (point 1)', () => {
  it('cancels the call of a read left before its end, 500 times in a row', async () => {
    for (let i = 0; i < 500; i += 1) {
      const { read, call } = clientRead([readResponse(), readResponse(), readResponse()], false);
      let seen = 0;
      const ended = await consume(read, () => {
        seen += 1;
        return false;
      });
      expect(ended).toBe(false);
      expect(seen).toBe(1);
      expect(call.cancelled).toBe(1);
    }
  });

  it('leaves a read that the server ended alone', async () => {
    const { read, call } = clientRead([readResponse(), readResponse()]);
    let seen = 0;
    expect(await consume(read, () => void (seen += 1))).toBe(true);
    expect(seen).toBe(2);
    expect(call.cancelled).toBe(0);
  });

  it('cancels the call when reading an event fails', async () => {
    const { read, call } = clientRead([readResponse(), readResponse()], false);
    const error = await consume(read, () => {
      throw new Error('cannot read');
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'cannot read' });
    expect(call.cancelled).toBe(1);
  });
});

describe('EventStoreDB ping is bounded (point 2)', () => {
  it('gives up on a read the server never answers, and cancels it', async () => {
    const { read, call } = clientRead([], false);
    const error = await within(
      consume(read, () => true),
      read,
      50,
      'EventStoreDB ping',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadDeadlineError);
    expect((error as Error).message).toBe('EventStoreDB ping did not answer within 50 ms');
    await new Promise((resolve) => setImmediate(resolve));
    expect(call.cancelled).toBe(1);
  });
});

const newEvent = (data: Record<string, unknown>, eventId: string = randomUUID()): NewEvent => ({
  eventId,
  type: 'ShipmentRecorded',
  data,
  metadata: { actor: 'hr', commandId: 'c1', correlationId: 'c1' },
});

const storedAs = (event: NewEvent, revision: number, hash: string): StoredEvent => ({
  streamId: 'assignment-joe',
  eventId: event.eventId,
  type: event.type,
  data: event.data,
  metadata: { ...event.metadata, recordedAt: '2026-12-03T09:00:00.000Z' } as EventMetadata,
  revision,
  position: 1000 + revision * 300,
  hash,
});

describe('EventStoreDB retried appends (points 3 and 8)', () => {
  const events = [newEvent({ kg: 100 }), newEvent({ kg: 50 })];
  const canonical = events.map((e) => canonicalJson(e.data));

  it('tells its own write from one the server took as a retry of another process', () => {
    const first = convertGrpcRecord(grpcRecord({ metadata: '{"actor":"hr","ledger.appendId":"call-1"}' }));
    expect(appendIdOf(first)).toBe('call-1');
    expect(toStoredEvent(first).metadata).toEqual({ actor: 'hr' });
    const written = events.map((e, i) => storedAs(e, 4 + i, `ours-${i}`));
    expect(resultOfWrite('assignment-joe', events, canonical, true, written)).toMatchObject({
      revision: 5,
      duplicate: false,
    });
    const theirs = events.map((e, i) => storedAs(e, 4 + i, `theirs-${i}`));
    expect(resultOfWrite('assignment-joe', events, canonical, false, theirs)).toMatchObject({
      revision: 5,
      position: theirs[1]!.position,
      duplicate: true,
    });
  });

  it('refuses an event id the other process stored with other content', () => {
    const theirs = [
      storedAs(newEvent({ kg: 100 }, events[0]!.eventId), 4, 'x'),
      storedAs(events[1]!, 5, 'y'),
    ];
    theirs[0]!.data = { kg: 101 };
    expect(() => resultOfWrite('assignment-joe', events, canonical, false, theirs)).toThrow(
      DuplicateEventError,
    );
  });

  it('recognises a retry at its expected revision from the few events after it', () => {
    const stored = events.map((e, i) => storedAs(e, i, `h${i}`));
    expect(matchEarlierAttempt('assignment-joe', events, canonical, stored)).toMatchObject({
      revision: 1,
      duplicate: true,
    });
    const other = [storedAs(newEvent({ kg: 1 }), 0, 'h')];
    expect(matchEarlierAttempt('assignment-joe', events, canonical, other)).toBeUndefined();
    expect(() => matchEarlierAttempt('assignment-joe', events, canonical, stored.slice(0, 1))).toThrow(
      DuplicateEventError,
    );
  });
});

describe('EventStoreDB positions that are not an event boundary (point 4)', () => {
  const grpcError = (code: status, details: string) =>
    Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
      code,
      details,
      metadata: new Metadata(),
    });

  it("recognises the server's invalid-position answer after the client turned it into UnknownError", () => {
    const converted = convertToCommandError(
      grpcError(status.INVALID_ARGUMENT, 'Trying to read from an invalid position.'),
    );
    expect(converted.constructor.name).toBe('UnknownError');
    expect(isInvalidPositionError(converted)).toBe(true);
    // Servers before 24.2 answer a read with UNKNOWN and the read result's name.
    const older = convertToCommandError(
      grpcError(status.UNKNOWN, 'Unexpected ReadAllResult: InvalidPosition'),
    );
    expect(isInvalidPositionError(older)).toBe(true);
    expect(
      isInvalidPositionError(convertToCommandError(grpcError(status.UNAVAILABLE, 'no connection'))),
    ).toBe(false);
    expect(isInvalidPositionError(new Error('invalid position'))).toBe(false);
  });

  it('is answered over HTTP as a 400 problem naming the position, when it cannot be mapped', () => {
    const answer = new ProblemFilter().toProblem(
      new InvalidPositionError(123457, 'it is not the position of an event'),
    );
    expect(answer).toMatchObject({ status: 400, code: 'POSITION.INVALID' });
    expect(answer.detail).toContain('123457');
  });
});

describe('EventStoreDB events the adapter cannot read (point 5)', () => {
  it('refuses data the client could not parse, naming the event and its position', () => {
    const recorded = convertGrpcRecord(grpcRecord({ data: '{"kg": 10', position: 8192, revision: 3 }));
    expect(typeof recorded.data).toBe('string');
    const error = (() => {
      try {
        return toStoredEvent(recorded);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnreadableEventError);
    expect(error).toMatchObject({
      position: 8192,
      streamId: 'assignment-joe',
      revision: 3,
      eventId: recorded.id,
    });
    expect(() => toStoredEvent(convertGrpcRecord(grpcRecord({ metadata: 'not json' })))).toThrow(
      /metadata is not a JSON object/,
    );
    expect(() =>
      toStoredEvent(convertGrpcRecord(grpcRecord({ contentType: 'application/octet-stream' }))),
    ).toThrow(/not application\/json/);
  });
});

describe('EventStoreDB deleted, tombstoned and truncated streams (point 6)', () => {
  it('reads soft deletion and truncation from the stream metadata', () => {
    // The server soft-deletes with $tb = long.MaxValue, which JSON.parse rounds.
    expect(removalFromMetadata('s', JSON.parse('{"truncateBefore": 9223372036854775807}'))).toMatchObject({
      reason: 'deleted',
    });
    expect(removalFromMetadata('s', { maxCount: 10 })).toEqual({
      streamId: 's',
      reason: 'truncated',
      detail: 'stream metadata $maxCount=10',
    });
    expect(removalFromMetadata('s', { truncateBefore: 5, maxAge: 3600 })?.detail).toBe(
      'stream metadata $tb=5, $maxAge=3600',
    );
    expect(removalFromMetadata('s', {})).toBeUndefined();
    expect(removalFromMetadata('s', undefined)).toBeUndefined();
  });

  it('is answered over HTTP as 410 Gone with the reason', () => {
    const answer = new ProblemFilter().toProblem(
      new StreamRemovedError('assignment-joe', 'tombstoned', 'hard-deleted'),
    );
    expect(answer).toMatchObject({ status: 410, code: 'STORE.STREAM_REMOVED', reason: 'tombstoned' });
  });
});

describe('EventStoreDB metadata names (point 9)', () => {
  it('writes names outside the server-reserved $ space and still reads the old ones', () => {
    const current = toStoredEvent(
      convertGrpcRecord(
        grpcRecord({
          metadata: JSON.stringify({
            actor: 'hr',
            'ledger.hash': 'h1',
            'ledger.prevHash': 'h0',
            'ledger.eventId': 'e-1',
          }),
        }),
      ),
    );
    expect(current).toMatchObject({ hash: 'h1', eventId: 'e-1', metadata: { actor: 'hr' } });
    expect(Object.keys(current.metadata)).toEqual(['actor']);
    const legacy = toStoredEvent(
      convertGrpcRecord(
        grpcRecord({
          metadata: JSON.stringify({ actor: 'hr', $hash: 'h2', $prevHash: 'h0', $eventId: 'e-2' }),
        }),
      ),
    );
    expect(legacy).toMatchObject({ hash: 'h2', eventId: 'e-2' });
    expect(Object.keys(legacy.metadata)).toEqual(['actor']);
  });
});

describe('EventStoreDB close (point 10)', () => {
  it('lets an accepted append settle before closing and refuses later ones', async () => {
    // Port 1 on loopback: nothing listens, so the append fails on its own (unavailable), not by close().
    const store = EsdbEventStore.connect('esdb://127.0.0.1:1?tls=false');
    const order: string[] = [];
    const accepted = store
      .appendToStream('assignment-joe', [newEvent({ kg: 1 })], { expectedRevision: 'no_stream' })
      .catch((error: unknown) => {
        order.push('append settled');
        return error;
      });
    const closing = store.close().then(() => order.push('closed'));
    const refused = await store
      .appendToStream('assignment-joe', [newEvent({ kg: 2 })], { expectedRevision: 'no_stream' })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ message: 'event store is closed' });
    await closing;
    expect(order).toEqual(['append settled', 'closed']);
    const error = (await accepted) as { type?: string };
    expect(error.type).not.toBe('cancelled');
    await expect(store.ping()).rejects.toThrow('event store is closed');
  });
});
