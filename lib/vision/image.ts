/**
 * Decode stage: bytes -> RGB pixels with sharp. The type is read from the bytes themselves,
 * the size from the header before any pixel is decoded (decompression bombs are refused),
 * EXIF orientation is applied, and large images are shrunk so detection and alignment work
 * on a bounded number of pixels.
 */
import sharp from 'sharp';
import { sniffImageFormat } from '../media/image-format';
import { VisionError } from './errors';
import type { DecodedImage } from './types';

export interface DecodeLimits {
  /** Refuse images with more pixels than this (width x height from the header). */
  maxPixels: number;
  /** Shrink so the longer side is at most this many pixels. */
  maxSidePx: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = { maxPixels: 40_000_000, maxSidePx: 1600 };

export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits = DEFAULT_DECODE_LIMITS): Promise<DecodedImage> {
  if (bytes.length === 0) throw new VisionError('empty_image', 'The image is empty (0 bytes).');
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw new VisionError('unsupported_image_type', 'The data is not a JPEG, PNG or WebP image.');
  }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

  let meta: Awaited<ReturnType<ReturnType<typeof sharp>['metadata']>>;
  try {
    // Header only: no pixels are decoded here, so sharp's own pixel limit is lifted for this call.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new VisionError('corrupt_image', `The ${format.toUpperCase()} image could not be read.`);
  }
  if (!meta.width || !meta.height) {
    throw new VisionError('corrupt_image', `The ${format.toUpperCase()} header has no image size.`);
  }
  if (meta.width * meta.height > limits.maxPixels) {
    throw new VisionError(
      'image_too_large',
      `The image is ${meta.width}x${meta.height} pixels; the limit is ${limits.maxPixels} pixels.`,
    );
  }
  // EXIF orientations 5-8 swap the axes.
  const swapped = (meta.orientation ?? 1) >= 5;
  const originalWidth = swapped ? meta.height : meta.width;
  const originalHeight = swapped ? meta.width : meta.height;
  const scale = Math.min(1, limits.maxSidePx / Math.max(originalWidth, originalHeight));

  try {
    let pipeline = sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate();
    if (scale < 1) {
      pipeline = pipeline.resize(Math.round(originalWidth * scale), Math.round(originalHeight * scale), { fit: 'fill' });
    }
    const { data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      originalWidth,
      originalHeight,
      scale: info.width / originalWidth,
      format,
    };
  } catch (e) {
    // The decoder's own text names its internals (libjpeg, libspng, vips); say what is wrong instead.
    const text = e instanceof Error ? e.message : String(e);
    const truncated = /premature end|truncat|unexpected end|end of (file|stream|data)|EOF|short read|too short|incomplete/i.test(text);
    throw new VisionError(
      'corrupt_image',
      truncated
        ? `The ${format.toUpperCase()} image is truncated: its data ends before the last row of pixels.`
        : `The ${format.toUpperCase()} image is damaged: its pixel data could not be decoded.`,
    );
  }
}

/** JPEG bytes of an RGB image (aligned face crops kept with templates). */
export async function encodeJpeg(image: { data: Uint8Array; width: number; height: number }, quality = 90): Promise<Uint8Array> {
  const buf = await sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  }).jpeg({ quality }).toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
