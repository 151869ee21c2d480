import { applyDecorators, createParamDecorator, HttpCode, Post, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { EVENT_OF_COMMAND, type AssignmentCommandType } from '../domain/assignment/index.js';
import type { Caller } from './auth/api-key.guard.js';
import { Roles, WRITE } from './auth/roles.decorator.js';

export interface WriteRouteOptions {
  /** What the write does, in the operation's summary: "Record a shipment". */
  does: string;
  /** The commands it may send: the summary names the events they record. */
  records: readonly AssignmentCommandType[];
  /** The letter's clause, when the write has one: "clause 4". */
  clause?: string;
}

/**
 * Everything a write route declares besides its body: POST with 201, the `hr` role, the Idempotency-Key
 * and If-Match headers (read by writeContext) and the OpenAPI operation naming the events recorded.
 * The controller keeps `@ApiTags('writes')`: without a class tag Swagger adds the controller's name.
 */
export const WriteRoute = (path: string, { does, records, clause }: WriteRouteOptions) =>
  applyDecorators(
    path ? Post(path) : Post(),
    HttpCode(201),
    Roles(...WRITE),
    ApiBearerAuth(),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'the stream revision last seen; stale = 409',
    }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'same key + same body = same answer',
    }),
    ApiOperation({
      summary: `${does} (${records.map((c) => EVENT_OF_COMMAND[c]).join(' / ')})${clause ? `, ${clause}` : ''}`,
    }),
  );

/** The request, its reply (for the ETag and Location headers) and the caller of one write. */
export interface WriteCall {
  req: FastifyRequest;
  res: FastifyReply;
  caller: Caller;
}

export const Call = createParamDecorator((_: unknown, context: ExecutionContext): WriteCall => {
  const http = context.switchToHttp();
  const req = http.getRequest<FastifyRequest & { caller: Caller }>();
  return { req, res: http.getResponse<FastifyReply>(), caller: req.caller };
});
