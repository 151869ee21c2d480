import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ConcurrencyError, DuplicateEventError } from '../../event-store/event-store.port.js';
import { ApplicationError } from '../../application/application-errors.js';
import { problem, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';
import { RequestValidationError } from './validation-error.js';

/** A domain refusal: anything carrying a stable code, the letter's clause and an HTTP hint. */
interface PolicyLike {
  code: string;
  clause?: string;
  httpStatus?: number;
  message: string;
}
const isPolicyLike = (e: unknown): e is PolicyLike =>
  e instanceof Error && typeof (e as Partial<PolicyLike>).code === 'string' && 'clause' in e;

/** Terminus answers an unhealthy check with its full report; that report is the useful body. */
const isHealthReport = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && 'details' in body && 'status' in body;

/** Every error leaves as application/problem+json; nothing a client sent becomes a 500. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException && isHealthReport(exception.getResponse())) {
      response.status(exception.getStatus()).json(exception.getResponse());
      return;
    }
    const body = this.toProblem(exception);
    if (body.status === 503 && typeof body.retryAfterSeconds === 'number') {
      response.setHeader('Retry-After', String(body.retryAfterSeconds));
    }
    response.status(body.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
  }

  toProblem(exception: unknown): Problem {
    if (exception instanceof RequestValidationError) {
      return problem(400, 'REQUEST.INVALID', exception.message, { errors: exception.fieldErrors });
    }
    if (exception instanceof ApplicationError) {
      return problem(exception.status, exception.code, exception.message, exception.extra);
    }
    if (exception instanceof ConcurrencyError) {
      return problem(409, 'CONCURRENCY.STALE_REVISION', exception.message);
    }
    if (exception instanceof DuplicateEventError) {
      return problem(409, 'IDEMPOTENCY.KEY_REUSED', exception.message);
    }
    if (isPolicyLike(exception)) {
      const status = exception.httpStatus ?? 422;
      return problem(
        status,
        exception.code,
        exception.message,
        exception.clause ? { clause: exception.clause } : {},
      );
    }
    // Nest's Express adapter wraps body-parser's SyntaxError in a BadRequestException: look at its cause.
    const parseFailure = (exception instanceof HttpException ? exception.cause : exception) as
      { type?: string; message?: string } | undefined;
    if (parseFailure?.type === 'entity.parse.failed') {
      return problem(400, 'REQUEST.MALFORMED_JSON', `the body is not valid JSON: ${parseFailure.message}`);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const detail =
        typeof response === 'string'
          ? response
          : String((response as { message?: unknown }).message ?? exception.message);
      return problem(status, HTTP_CODES[status] ?? `HTTP.${status}`, detail);
    }
    const bodyParserError = exception as { type?: string; status?: number; message?: string };
    if (
      typeof bodyParserError?.status === 'number' &&
      bodyParserError.status >= 400 &&
      bodyParserError.status < 500
    ) {
      return problem(
        bodyParserError.status,
        `HTTP.${bodyParserError.status}`,
        bodyParserError.message ?? 'bad request',
      );
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return problem(500, 'INTERNAL', 'the ledger could not answer this request; see the server log');
  }
}

const HTTP_CODES: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'REQUEST.TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
};
