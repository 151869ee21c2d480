import { RecordAssignmentEventHandler } from './commands/record-assignment-event.handler.js';
import {
  GetAssignmentEventsHandler,
  GetAssignmentHandler,
  GetAssignmentTimelineHandler,
  GetEntitlementsHandler,
  ListAssignmentsHandler,
} from './queries/assignment.queries.js';
import { GetDeadlinesHandler } from './queries/deadlines.query.js';

export const COMMAND_HANDLERS = [RecordAssignmentEventHandler];
export const QUERY_HANDLERS = [
  GetEntitlementsHandler,
  GetAssignmentHandler,
  ListAssignmentsHandler,
  GetAssignmentEventsHandler,
  GetAssignmentTimelineHandler,
  GetDeadlinesHandler,
];
