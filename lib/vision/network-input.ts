/**
 * Network inputs from 8-bit RGB images: float32 NHWC rows written into a batch buffer, with
 * tfjs' own sampling (`tf.image.resizeBilinear` without align-corners or half-pixel centres,
 * `tf.image.cropAndResize` with extrapolation value 0), so the ONNX networks see the values the
 * tfjs pipeline fed them.
 */
import type { RgbImage } from './types';

/** Writes `image` resized to `outW` x `outH` at `out[offset...]`, each value mapped by `scale * v + shift`. */
export function writeResizedBilinear(image: RgbImage, outW: number, outH: number, out: Float32Array, offset: number, scale: number, shift: number): void {
  const { width: W, height: H, data } = image;
  const sy = H / outH, sx = W / outW;
  let o = offset;
  for (let y = 0; y < outH; y++) {
    const fy = sy * y;
    const y0 = Math.max(0, Math.floor(fy)), y1 = Math.min(H - 1, Math.ceil(fy));
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = sx * x;
      const x0 = Math.max(0, Math.floor(fx)), x1 = Math.min(W - 1, Math.ceil(fx));
      const wx = fx - x0;
      const p00 = (y0 * W + x0) * 3, p01 = (y0 * W + x1) * 3, p10 = (y1 * W + x0) * 3, p11 = (y1 * W + x1) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c] + (data[p01 + c] - data[p00 + c]) * wx;
        const bottom = data[p10 + c] + (data[p11 + c] - data[p10 + c]) * wx;
        out[o++] = (top + (bottom - top) * wy) * scale + shift;
      }
    }
  }
}

/**
 * Writes the crop of `image` between normalised corners (y1, x1)-(y2, x2) resized to
 * `side` x `side` (tfjs' cropAndResize: corners map to pixel centres 0 and size-1; samples
 * outside the image are 0), each value multiplied by `scale`.
 */
export function writeCropResized(image: RgbImage, box: { y1: number; x1: number; y2: number; x2: number }, side: number, out: Float32Array, offset: number, scale: number): void {
  const { width: W, height: H, data } = image;
  const hs = side > 1 ? ((box.y2 - box.y1) * (H - 1)) / (side - 1) : 0;
  const ws = side > 1 ? ((box.x2 - box.x1) * (W - 1)) / (side - 1) : 0;
  let o = offset;
  for (let y = 0; y < side; y++) {
    const iy = side > 1 ? box.y1 * (H - 1) + y * hs : 0.5 * (box.y1 + box.y2) * (H - 1);
    if (iy < 0 || iy > H - 1) {
      out.fill(0, o, o + side * 3);
      o += side * 3;
      continue;
    }
    const y0 = Math.floor(iy), y1 = Math.ceil(iy), wy = iy - y0;
    for (let x = 0; x < side; x++) {
      const ix = side > 1 ? box.x1 * (W - 1) + x * ws : 0.5 * (box.x1 + box.x2) * (W - 1);
      if (ix < 0 || ix > W - 1) {
        out[o++] = 0; out[o++] = 0; out[o++] = 0;
        continue;
      }
      const x0 = Math.floor(ix), x1 = Math.ceil(ix), wx = ix - x0;
      const p00 = (y0 * W + x0) * 3, p01 = (y0 * W + x1) * 3, p10 = (y1 * W + x0) * 3, p11 = (y1 * W + x1) * 3;
      for (let c = 0; c < 3; c++) {
        const top = data[p00 + c] + (data[p01 + c] - data[p00 + c]) * wx;
        const bottom = data[p10 + c] + (data[p11 + c] - data[p10 + c]) * wx;
        out[o++] = (top + (bottom - top) * wy) * scale;
      }
    }
  }
}

/** The images' bytes as one float32 NHWC batch (values 0..255); all images must be `side` x `side`. */
export function batchOfImages(images: RgbImage[], side: number): Float32Array {
  const per = side * side * 3;
  const out = new Float32Array(images.length * per);
  images.forEach((img, i) => {
    if (img.width !== side || img.height !== side) throw new Error(`network input must be ${side}x${side}, got ${img.width}x${img.height}`);
    out.set(img.data, i * per);
  });
  return out;
}
