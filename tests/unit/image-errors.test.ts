import { readDataset } from '../helpers/datasets';
import { decodeImage } from '@/lib/vision/image';
import { isVisionError } from '@/lib/vision/errors';

describe('image errors in our words', () => {
  it("says a truncated JPEG is truncated, without the decoder's internal text", async () => {
    const whole = readDataset('fr-examples', 'images', 'obama', 'examples__obama.jpg');
    // Half the file: the header is whole (the size is known), the pixel rows stop midway.
    const e = await decodeImage(new Uint8Array(whole.subarray(0, whole.length >> 1))).then(() => null, (err: unknown) => err);
    expect(isVisionError(e) && e.code).toBe('corrupt_image');
    const message = (e as Error).message;
    expect(message).toMatch(/^The JPEG image is truncated: its data ends before the last row of pixels\.$/);
    expect(message).not.toMatch(/vips|jpeg:|libjpeg|spng|VipsJpeg|\(/i);
  });
});
