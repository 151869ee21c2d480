import { gcmOpen, gcmSeal } from './aes-gcm.js';

/**
 * A personal value as the event store holds it: `pd1.<subject>.<iv|tag|ciphertext>` (base64url),
 * AES-256-GCM over the value's JSON under the subject's data key. The subject id is in clear (it is a
 * pseudonym, not personal data) so any reader knows which key opens it; it is also the cipher's
 * additional data, so a sealed value cannot be moved to another subject.
 */
const PREFIX = 'pd1.';

export const ERASED = '[erased]';
export const REDACTED = '[redacted]';

export class SealedValueError extends Error {
  override name = 'SealedValueError';
}

export const isSealed = (value: unknown): value is string =>
  typeof value === 'string' && value.startsWith(PREFIX);

export const sealValue = (value: unknown, subjectId: string, key: Buffer): string => {
  const subject = Buffer.from(subjectId, 'utf8');
  const sealed = gcmSeal(key, Buffer.from(JSON.stringify(value), 'utf8'), subject);
  return `${PREFIX}${subject.toString('base64url')}.${sealed.toString('base64url')}`;
};

const partsOf = (sealed: string): { subject: Buffer; body: Buffer } => {
  const parts = sealed.split('.');
  if (parts.length !== 3 || `${parts[0]}.` !== PREFIX)
    throw new SealedValueError('not a sealed personal value');
  return { subject: Buffer.from(parts[1]!, 'base64url'), body: Buffer.from(parts[2]!, 'base64url') };
};

/** The data subject a sealed value belongs to, without opening it. */
export const subjectOfSealed = (sealed: string): string => partsOf(sealed).subject.toString('utf8');

/** Opens a sealed value; throws SealedValueError when it was altered or the key is not its subject's. */
export const openSealed = (sealed: string, key: Buffer): unknown => {
  const { subject, body } = partsOf(sealed);
  const clear = gcmOpen(key, body, subject);
  if (!clear)
    throw new SealedValueError(
      `a sealed personal value of subject ${subject.toString('utf8')} does not open`,
    );
  return JSON.parse(clear.toString('utf8')) as unknown;
};
