import sharp from 'sharp';
import { isVisionError } from '@/lib/vision/errors';
import { sniffImageFormat } from '@/lib/media/image-format';
import { decodeImage } from '@/lib/vision/image';
import { pngDeclaring } from '../helpers/images';

async function errorCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    if (isVisionError(e)) return e.code;
    throw e;
  }
}

describe('decodeImage', () => {
  it('recognises JPEG, PNG and WebP by their bytes, not by any declared type', async () => {
    const raw = { raw: { width: 8, height: 8, channels: 3 as const } };
    const pixels = Buffer.alloc(8 * 8 * 3, 128);
    expect(sniffImageFormat(await sharp(pixels, raw).jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageFormat(await sharp(pixels, raw).png().toBuffer())).toBe('png');
    expect(sniffImageFormat(await sharp(pixels, raw).webp().toBuffer())).toBe('webp');
    expect(sniffImageFormat(Buffer.from('GIF89a........'))).toBeNull();
  });

  it('refuses a PNG that declares 30000x30000 pixels before decoding it', async () => {
    expect(await errorCode(decodeImage(pngDeclaring(30000, 30000), { maxPixels: 40_000_000, maxSidePx: 1600 }))).toBe('image_too_large');
  });

  it('applies EXIF orientation so faces are upright', async () => {
    // 40x20 landscape stored with orientation 6 (rotate 90 degrees clockwise to display).
    const stored = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#808080' } })
      .withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const img = await decodeImage(stored);
    expect([img.width, img.height]).toEqual([20, 40]);
    expect([img.originalWidth, img.originalHeight]).toEqual([20, 40]);
  });

  it('shrinks large images to the longest-side limit and reports the scale', async () => {
    const big = await sharp({ create: { width: 2000, height: 1000, channels: 3, background: '#336699' } }).png().toBuffer();
    const img = await decodeImage(big, { maxPixels: 40_000_000, maxSidePx: 800 });
    expect([img.width, img.height]).toEqual([800, 400]);
    expect(img.scale).toBeCloseTo(0.4);
    expect(img.data).toHaveLength(800 * 400 * 3);
  });

  it('turns greyscale and alpha images into plain RGB', async () => {
    const grey = await sharp({ create: { width: 10, height: 10, channels: 4, background: { r: 9, g: 9, b: 9, alpha: 0.5 } } }).greyscale().png().toBuffer();
    const img = await decodeImage(grey);
    expect(img.data).toHaveLength(10 * 10 * 3);
  });
});
