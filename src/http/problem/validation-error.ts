import { BadRequestException, type ValidationError } from '@nestjs/common';

/** Flattens class-validator's tree into `field.path: reasons`, so the 400 names every bad field. */
export const flattenValidationErrors = (
  errors: ValidationError[],
  parent = '',
): { field: string; messages: string[] }[] =>
  errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });

export class RequestValidationError extends BadRequestException {
  constructor(readonly fieldErrors: { field: string; messages: string[] }[]) {
    super(`invalid request: ${fieldErrors.map((e) => e.field).join(', ')}`);
  }
}
