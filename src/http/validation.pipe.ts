import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, RequestValidationError } from './problem/validation-error.js';

/** Validated query strings and path parameters remembered per DTO class (then all forgotten). */
const MEMO_SIZE = 10_000;
/** Types the pipe passes through unvalidated: nothing to remember. */
const PLAIN_TYPES = new Set<unknown>([Object, Array, String, Number, Boolean]);

/**
 * Whitelist, forbid unknown fields, no implicit type conversion: a body is taken exactly as sent.
 *
 * Query strings and path parameters repeat (a dashboard asks for the same assignment and date again
 * and again) and their validation is a pure function of the text sent, so a valid one is remembered,
 * frozen, and handed out again without running class-transformer and class-validator (which cost
 * more than the rest of a cached entitlements answer). Bodies are always validated afresh.
 */
class LedgerValidationPipe extends ValidationPipe {
  private readonly memo = new WeakMap<object, Map<string, unknown>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { type, metatype } = metadata;
    if (
      (type !== 'query' && type !== 'param') ||
      !metatype ||
      PLAIN_TYPES.has(metatype) ||
      typeof value !== 'object' ||
      value === null
    ) {
      return super.transform(value, metadata);
    }
    let known = this.memo.get(metatype);
    if (!known) this.memo.set(metatype, (known = new Map()));
    const key = JSON.stringify(value);
    if (known.has(key)) return known.get(key);
    const valid: unknown = await super.transform(value, metadata);
    if (known.size >= MEMO_SIZE) known.clear();
    known.set(key, typeof valid === 'object' && valid !== null ? Object.freeze(valid) : valid);
    return valid;
  }
}

export const ledgerValidationPipe = (): ValidationPipe =>
  new LedgerValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
