import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** IVs are cut from one block of CSPRNG output at a time, as crypto.randomUUID does with its entropy. */
const POOL_BYTES = IV_BYTES * 512;
let pool = Buffer.alloc(0);
let used = 0;

/** A call into the CSPRNG per IV cost more than the cipher itself on the write path; a block never repeats. */
const freshIv = (): Buffer => {
  if (used + IV_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    used = 0;
  }
  used += IV_BYTES;
  return pool.subarray(used - IV_BYTES, used);
};

/** AES-256-GCM with a fresh random IV: returns `iv | tag | ciphertext`. */
export const gcmSeal = (key: Buffer, clear: Buffer, additionalData: Buffer): Buffer => {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData);
  const ciphertext = Buffer.concat([cipher.update(clear), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]);
};

/** Opens what gcmSeal made; undefined when it was altered, or the key or additional data differ. */
export const gcmOpen = (key: Buffer, sealed: Buffer, additionalData: Buffer): Buffer | undefined => {
  if (sealed.length < IV_BYTES + TAG_BYTES) return undefined;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(additionalData);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
};
