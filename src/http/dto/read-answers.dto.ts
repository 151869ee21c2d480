/**
 * Answer shapes of the read routes, for the OpenAPI document only: the handlers answer plain objects
 * and these classes are never instantiated. `implements` keeps them in step with the projection's types.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { TimelineEntry } from '../../application/queries/assignment.queries.js';

export class TimelineEntryDto implements TimelineEntry {
  @ApiProperty({ example: 2, description: 'global position in the log' })
  position!: number;

  @ApiProperty({ example: 1, description: "revision in the assignment's stream" })
  revision!: number;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty({ example: 'HomeLeaveTripTaken' })
  type!: string;

  @ApiProperty({ example: '2005-03-11T09:30:00.000Z', description: 'when the ledger recorded the event' })
  recordedAt!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2005-03-10',
    description: "the event's main business date; null for a correction or a void",
  })
  businessDate!: string | null;

  @ApiProperty({
    example:
      'Home-leave trip by the employee home departing 2005-03-10: fare USD 1380.00, reimbursable USD 1380.00',
    description: "one sentence in the ledger's words",
  })
  summary!: string;

  @ApiPropertyOptional({ example: 'hr:3f9a1c2b', description: 'who recorded it' })
  actor?: string;

  @ApiPropertyOptional({ description: 'the document the event was recorded from' })
  source?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'for a correction or a void: the event it mends' })
  corrects?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the latest correction of this entry (as known)' })
  correctedBy?: string;

  @ApiPropertyOptional({ description: 'true once a void of this entry is known' })
  voided?: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: 'the void of this entry' })
  voidedBy?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'every correction and void of this entry known, in order',
  })
  mendedBy?: string[];
}

export class AssignmentTimelineDto {
  @ApiProperty({ example: 'joe-shanghai' })
  assignmentId!: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '2005-03-11T00:00:00.000Z',
    description: '`knownAt` as the ledger compares it (UTC, milliseconds); null when not asked',
  })
  knownAt!: string | null;

  @ApiProperty({ example: 4, description: 'number of entries' })
  count!: number;

  @ApiProperty({
    type: [TimelineEntryDto],
    description: 'every event known at `knownAt`, in stream order; empty if the assignment was not yet known',
  })
  entries!: TimelineEntry[];
}
