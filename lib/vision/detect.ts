/**
 * Detect stage: every face in the image, largest first. Boxes stay in decoded-image pixels
 * here; the pipeline maps them to original pixels at the end.
 */
import type { HumanDetector } from './human';
import type { Detection, RgbImage } from './types';

export async function detectFaces(detector: HumanDetector, image: RgbImage): Promise<Detection[]> {
  const found = await detector.detect(image);
  return found
    .filter((d) => d.box.width > 0 && d.box.height > 0)
    .sort((p, q) => q.box.width * q.box.height - p.box.width * p.box.height);
}
