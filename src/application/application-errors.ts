/** Errors the application layer raises besides the domain's PolicyViolation; the HTTP filter maps them. */
export class ApplicationError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApplicationError';
  }
}

export const assignmentNotFound = (assignmentId: string) =>
  new ApplicationError(404, 'ASSIGNMENT.NOT_FOUND', `no assignment ${assignmentId} is recorded`, {
    assignmentId,
  });

export const idempotencyKeyReused = (commandId: string) =>
  new ApplicationError(
    409,
    'IDEMPOTENCY.KEY_REUSED',
    `Idempotency-Key ${commandId} was already used for a different request on this assignment`,
  );

export const staleRevision = (expected: number, actual: number | 'no_stream') =>
  new ApplicationError(
    409,
    'CONCURRENCY.STALE_REVISION',
    `If-Match revision ${expected} is stale: the assignment is at revision ${String(actual)}`,
    { expectedRevision: expected, actualRevision: actual },
  );

export const notCaughtUp = (minPosition: number, checkpoint: number, retryAfterSeconds: number) =>
  new ApplicationError(
    503,
    'READ_MODEL.NOT_CAUGHT_UP',
    `the read model is at position ${checkpoint}, not yet at ${minPosition}; retry shortly`,
    { minPosition, checkpoint, retryAfterSeconds },
  );

export const dataSubjectErased = (employeeId: string) =>
  new ApplicationError(
    409,
    'DATA_SUBJECT.ERASED',
    `employee ${employeeId} was erased as a data subject: nothing more is recorded for them`,
    { employeeId },
  );
