import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ConcurrencyError,
  DuplicateEventError,
  InvalidPositionError,
  StreamRemovedError,
  StoreUnavailableError,
} from '../../event-store/event-store.port.js';
import { ApplicationError } from '../../application/application-errors.js';
import { problem, PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';
import { RequestValidationError } from './validation-error.js';
import { BODY_LIMIT_BYTES, BodyParseError } from '../json-body.js';
import { InputLimitError } from '../input-limits.js';
import { RateLimitedError } from '../security.js';

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
    const response = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof HttpException && isHealthReport(exception.getResponse())) {
      response.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    // Refusals raised in Fastify's hooks (limits, rate limit) reach the filter wrapped by Nest.
    const cause = exception instanceof HttpException ? exception.cause : undefined;
    const body = this.toProblem(
      cause instanceof InputLimitError || cause instanceof RateLimitedError ? cause : exception,
    );
    if ((body.status === 503 || body.status === 429) && typeof body.retryAfterSeconds === 'number') {
      response.header('Retry-After', String(body.retryAfterSeconds));
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
    if (exception instanceof InvalidPositionError) {
      return problem(400, exception.code, exception.message);
    }
    if (exception instanceof StreamRemovedError) {
      return problem(410, exception.code, exception.message, { reason: exception.reason });
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
    if (exception instanceof BodyParseError) {
      return problem(exception.status, exception.code, exception.message);
    }
    if (exception instanceof InputLimitError) {
      return problem(exception.status, 'REQUEST.LIMIT_EXCEEDED', exception.message, {
        limit: exception.limit,
        max: exception.max,
      });
    }
    if (exception instanceof StoreUnavailableError) {
      this.logger.warn(`write refused, store unavailable: ${String((exception.cause as Error)?.message)}`);
      return problem(503, exception.code, `${exception.message}; retry later`, {
        reason: exception.reason,
        retryAfterSeconds: exception.retryAfterSeconds,
      });
    }
    if (exception instanceof RateLimitedError) {
      return problem(429, 'RATE_LIMITED', exception.message, {
        retryAfterSeconds: exception.retryAfterSeconds,
      });
    }
    // Fastify's own refusals before any handler (body too large, unsupported media type, bad URL); Nest
    // may hand them over wrapped in an HttpException.
    const fastifyError = (exception instanceof HttpException ? (exception.cause ?? exception) : exception) as
      { statusCode?: number; code?: string; message?: string } | undefined;
    const fastifyStatus = fastifyError?.statusCode;
    if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
      const detail = FASTIFY_DETAILS[fastifyError?.code ?? ''] ?? fastifyError?.message ?? 'bad request';
      return problem(fastifyStatus, HTTP_CODES[fastifyStatus] ?? `HTTP.${fastifyStatus}`, detail);
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
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return problem(500, 'INTERNAL', 'the ledger could not answer this request; see the server log');
  }
}

/** What Fastify's refusals mean for a client of the ledger. */
const FASTIFY_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'the body must be JSON sent as Content-Type: application/json (UTF-8)',
  FST_ERR_CTP_BODY_TOO_LARGE: `the body is larger than ${BODY_LIMIT_BYTES / 1024} KiB`,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the Content-Length header does not match the body',
};

const HTTP_CODES: Record<number, string> = {
  400: 'REQUEST.INVALID',
  401: 'AUTH.UNAUTHENTICATED',
  403: 'AUTH.FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'REQUEST.TOO_LARGE',
  414: 'REQUEST.URI_TOO_LONG',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
};
