/**
 * Image types by their magic bytes, the one copy: the decoder trusts the bytes, not the
 * Content-Type, and the registry accepts only JPEG face crops. A leaf module: it imports
 * nothing, so lib/vision and lib/registry may both use it.
 */

export type ImageFormat = 'jpeg' | 'png' | 'webp';

/** Identifies JPEG (SOI marker FF D8 FF), PNG and WebP by their magic bytes; anything else is null. */
export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (
    bytes.length >= 8 &&
    bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47 &&
    bytes[4] === 0x0d && bytes[5] === 0x0a && bytes[6] === 0x1a && bytes[7] === 0x0a
  ) {
    return 'png';
  }
  if (
    bytes.length >= 12 &&
    String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]) === 'RIFF' &&
    String.fromCharCode(bytes[8], bytes[9], bytes[10], bytes[11]) === 'WEBP'
  ) {
    return 'webp';
  }
  return null;
}
