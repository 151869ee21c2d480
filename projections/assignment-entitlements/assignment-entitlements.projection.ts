/**
 * The facts of one assignment that its entitlements are derived from, each with its envelope
 * (eventId, recordedAt, position, revision), so that `entitlementsOf` can answer for any business
 * date and for what the ledger knew at any past instant. Evolve only files facts: no arithmetic,
 * no copies; all the figures are derived at query time.
 */
import { ASSIGNMENT_EVENT_TYPES } from '../../src/domain/assignment/events.js';
import type { OneOffTerm } from '../../src/domain/assignment/one-off-payments.js';
import {
  assignmentKeyOf,
  factOf,
  type DataOf,
  type Fact,
  type ProjectedEvent,
  type Projection,
} from '../projection.js';
import { FACT_LIST_OF, factListOf, type FactLists } from '../shared/fact-lists.js';

export type { FactList } from '../shared/fact-lists.js';

/** Each one-off payment's facts, under its policy term's name (one-off-payments.ts). */
export type OneOffFacts = Pick<FactLists, OneOffTerm>;

/** Every list of facts (shared/fact-lists.ts says which event types each holds) and the start. */
export interface EntitlementsDoc extends FactLists {
  assignmentId: string;
  /** Global position of the last event applied (0 before any). */
  lastPosition: number;
  /** Stream revision of the last event applied (-1 before any). */
  revision: number;
  start: Fact<DataOf<'AssignmentStarted'>> | null;
}

/** Every fact of the document, list by list, the start first. */
export const factListsOf = (doc: EntitlementsDoc): readonly Fact<unknown>[][] => [
  doc.start ? [doc.start] : [],
  // A document built before a one-off payment was declared has no list for it.
  ...Object.values(FACT_LIST_OF).map((list) => (doc[list] as Fact<unknown>[] | undefined) ?? []),
];

export const initEntitlementsDoc = (assignmentId: string): EntitlementsDoc => ({
  assignmentId,
  lastPosition: 0,
  revision: -1,
  start: null,
  ...(Object.fromEntries(Object.values(FACT_LIST_OF).map((list) => [list, []])) as unknown as FactLists),
});

/**
 * Mutates and returns `doc` (the runner owns it); an event at or before the last position is a no-op.
 * Every handled event lands in exactly one place, so the facts also tell which revision was known when.
 */
export const evolveEntitlements = (doc: EntitlementsDoc, event: ProjectedEvent): EntitlementsDoc => {
  if (event.position <= doc.lastPosition) return doc;
  doc.lastPosition = event.position;
  doc.revision = event.revision;
  if (event.type === 'AssignmentStarted') {
    doc.start ??= factOf(event);
    return doc;
  }
  const list = factListOf(event.type);
  if (list !== undefined)
    ((doc[list] as Fact<unknown>[] | undefined) ?? (doc[list] = [])).push(factOf(event));
  return doc;
};

export const assignmentEntitlementsProjection: Projection<EntitlementsDoc> = {
  name: 'assignment-entitlements',
  version: 2,
  canHandle: ASSIGNMENT_EVENT_TYPES,
  keyOf: assignmentKeyOf,
  init: initEntitlementsDoc,
  evolve: evolveEntitlements,
  // Evolve files each fact by pushing it onto its list; only the queries read the lists.
  appendOnly: [...new Set(Object.values(FACT_LIST_OF))],
};
