/**
 * Template ids as 16 bytes instead of 36-character strings: the search index keeps one UUID
 * per template in a flat byte array (no per-template string objects for the collector to walk)
 * and makes the string only for the hits it returns.
 */

/** Bytes per UUID. */
export const UUID_BYTES = 16;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Writes a canonical (lower-case, hyphenated) UUID string as 16 bytes at `out[at..]`; throws for anything else. */
export function writeUuid(id: string, out: Uint8Array, at: number): void {
  let byte = 0;
  for (let i = 0; i < id.length && byte <= UUID_BYTES; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (id.charCodeAt(i) !== 0x2d) break; // '-'
      continue;
    }
    const high = hexValue(id.charCodeAt(i));
    const low = hexValue(id.charCodeAt(++i));
    if (high < 0 || low < 0) break;
    out[at + byte++] = (high << 4) | low;
  }
  if (byte !== UUID_BYTES || id.length !== 36) throw new Error(`search index: not a lower-case UUID: ${id}`);
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30; // 0-9
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10; // a-f
  return -1;
}

/** The canonical UUID string of the 16 bytes at `bytes[at..]`. */
export function readUuid(bytes: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < UUID_BYTES; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[at + i]];
  }
  return s;
}

/** Whether the 16 bytes at `a[atA..]` and `b[atB..]` are equal. */
export function uuidBytesEqual(a: Uint8Array, atA: number, b: Uint8Array, atB: number): boolean {
  let i = 0;
  while (i < UUID_BYTES && a[atA + i] === b[atB + i]) i++;
  return i === UUID_BYTES;
}
