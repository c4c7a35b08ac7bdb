// Content hashes for cache keys and file identities. A leaf: every stage imports it,
// it imports nothing of Broadsheet's.
import { createHash } from 'node:crypto';

/** sha1 of the parts, hex; parts are separated, so `('ab', 'c')` and `('a', 'bc')` differ. */
export function hash(...parts: Array<string | Uint8Array>): string {
  const digest = createHash('sha1');
  // One update for all-text input: each update call costs a trip into native code.
  if (parts.every((part) => typeof part === 'string')) return digest.update(parts.join('\0')).digest('hex');
  for (const part of parts) digest.update(part).update('\0');
  return digest.digest('hex');
}

/** sha1 of exactly these bytes (no separator), raw: for checksums a file stores. */
export function sha1(bytes: string | Uint8Array): Buffer {
  return createHash('sha1').update(bytes).digest();
}

/** sha1 of exactly these bytes, hex: an image's address and a file's identity use it. */
export function sha1Hex(bytes: string | Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex');
}
