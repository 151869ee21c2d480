import { ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, RequestValidationError } from './problem/validation-error.js';

/** Whitelist, forbid unknown fields, no implicit type conversion: a body is taken exactly as sent. */
export const ledgerValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
