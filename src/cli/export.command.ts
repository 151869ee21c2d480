import {
  ALL_PROJECTIONS,
  assignmentEntitlementsProjection,
  entitlementsOf,
  projectedEventOf,
} from '../../projections/index.js';
import type { EntitlementsDoc } from '../../projections/index.js';
import { assignmentIdOf, streamIdOf } from '../domain/assignment/events.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.port.js';
import { auditTimelineProjection, type AuditTimelineDoc } from '../../projections/audit-timeline/index.js';
import { knownAtFilter } from '../application/time.js';
import type { PersonalData } from '../personal-data/personal-data.js';

export interface ExportOptions {
  assignment?: string;
  format: 'json' | 'csv';
  asOf: string;
  knownAt?: string;
}

/** Stable CSV columns: one row per event; `data` holds the event's data as JSON. */
export const CSV_COLUMNS = [
  'position',
  'assignmentId',
  'streamId',
  'revision',
  'eventId',
  'type',
  'schemaVersion',
  'businessDate',
  'recordedAt',
  'actor',
  'commandId',
  'correlationId',
  'causationId',
  'source',
  'hash',
  'summary',
  'data',
] as const;

const csvCell = (value: unknown): string => {
  const text =
    value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) || /^[=+\-@\t]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const readHistory = async (store: EventStore, assignment?: string): Promise<StoredEvent[]> => {
  if (assignment) return store.readStream(streamIdOf(assignment));
  const events: StoredEvent[] = [];
  for (let after = 0; ;) {
    const page = await store.readAll({ after, limit: 5000, category: 'assignment' });
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1]!.position;
  }
};

/** Folds events through the entitlements projection: the same pure code the live read model runs. */
export const entitlementsFromEvents = (events: StoredEvent[], asOf: string, knownAt?: string) => {
  const docs = new Map<string, EntitlementsDoc>();
  for (const stored of events) {
    const event = projectedEventOf(stored);
    const key = assignmentEntitlementsProjection.keyOf(event);
    if (key === null || !assignmentEntitlementsProjection.canHandle.includes(event.type)) continue;
    const doc = docs.get(key) ?? assignmentEntitlementsProjection.init(key);
    docs.set(key, assignmentEntitlementsProjection.evolve(doc, event));
  }
  return [...docs.entries()].map(([assignmentId, doc]) => ({
    assignmentId,
    entitlements: entitlementsOf(doc, { asOf, ...(knownAt ? { knownAt } : {}) }),
  }));
};

/** Business date and one-line summary of each event, as the audit timeline projection words them. */
const timelineEntries = (events: StoredEvent[]) => {
  const docs = new Map<string, AuditTimelineDoc>();
  for (const stored of events) {
    const event = projectedEventOf(stored);
    const key = auditTimelineProjection.keyOf(event);
    if (key === null || !auditTimelineProjection.canHandle.includes(event.type)) continue;
    docs.set(key, auditTimelineProjection.evolve(docs.get(key) ?? auditTimelineProjection.init(key), event));
  }
  return new Map(
    [...docs.values()].flatMap((doc) => doc.entries.map((entry) => [entry.eventId, entry] as const)),
  );
};

/**
 * History with metadata and the entitlements at a date, for an auditor's working papers: personal
 * values as an auditor sees them (opened, or `[erased]`).
 */
export const exportLedger = async (
  store: EventStore,
  options: ExportOptions,
  personalData: PersonalData,
): Promise<string> => {
  const events = (await readHistory(store, options.assignment))
    .filter(knownAtFilter(options.knownAt))
    .map((e) => ({ ...e, data: personalData.reveal(e.type, e.data, 'clear') }));
  if (options.format === 'csv') {
    const entries = timelineEntries(events);
    const rows = events.map((e) =>
      [
        e.position,
        assignmentIdOf(e.streamId),
        e.streamId,
        e.revision,
        e.eventId,
        e.type,
        e.metadata.schemaVersion ?? 1,
        entries.get(e.eventId)?.businessDate ?? '',
        e.metadata.recordedAt,
        e.metadata.actor,
        e.metadata.commandId,
        e.metadata.correlationId,
        e.metadata.causationId,
        e.metadata.source,
        e.hash,
        entries.get(e.eventId)?.summary ?? '',
        e.data,
      ]
        .map(csvCell)
        .join(','),
    );
    return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
  }
  return (
    JSON.stringify(
      {
        asOf: options.asOf,
        ...(options.knownAt ? { knownAt: options.knownAt } : {}),
        projections: ALL_PROJECTIONS.map((p) => ({ name: p.name, version: p.version })),
        eventCount: events.length,
        events: events.map((e) => ({ ...e, assignmentId: assignmentIdOf(e.streamId) })),
        assignments: entitlementsFromEvents(events, options.asOf, options.knownAt),
      },
      null,
      2,
    ) + '\n'
  );
};
