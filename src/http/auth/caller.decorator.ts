import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Caller } from './api-key.guard.js';

export const CallerOf = createParamDecorator(
  (_: unknown, context: ExecutionContext): Caller =>
    context.switchToHttp().getRequest<{ caller: Caller }>().caller,
);
