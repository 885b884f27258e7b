import { randomBytes } from 'node:crypto';

const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const RANDOM_BYTES = 10;

/** `prefix_` and 16 characters of lowercase base32: 80 random bits. */
export function newPrefixedId(prefix: string): string {
  return `${prefix}_${toBase32(randomBytes(RANDOM_BYTES))}`;
}

export function prefixedIdPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix}_[a-z2-7]{16}$`);
}

function toBase32(bytes: Buffer): string {
  let bits = 0;
  let buffer = 0;
  let output = '';
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      output += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) {
    output += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  }

  return output;
}
