/**
 * Alignment, pure: the geometry that turns a detection into the inputs of the landmark and
 * embedding networks. All coordinates are pixels of the decoded image; a transform maps
 * *output* pixels (crop or chip) to *input* pixels, so warping samples the input directly.
 */
import { EMBEDDER, LANDMARKS } from './models';
import type { Box, Point, RgbImage } from './types';

/** x' = a*x - b*y + tx, y' = b*x + a*y + ty: rotation+uniform scale (a=s*cos, b=s*sin) + shift. */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export function applySimilarity(t: Similarity, p: Point): Point {
  return { x: t.a * p.x - t.b * p.y + t.tx, y: t.b * p.x + t.a * p.y + t.ty };
}

export function similarityScale(t: Similarity): number {
  return Math.hypot(t.a, t.b);
}

/**
 * Least-squares similarity transform taking `from` onto `to` (Umeyama, 2-D, no reflection).
 * Needs at least two distinct points.
 */
export function fitSimilarity(from: Point[], to: Point[]): Similarity {
  const n = from.length;
  if (n < 2 || to.length !== n) throw new Error('fitSimilarity needs >= 2 matching points');
  let fx = 0, fy = 0, tx = 0, ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i].x; fy += from[i].y; tx += to[i].x; ty += to[i].y;
  }
  fx /= n; fy /= n; tx /= n; ty /= n;
  let sxx = 0, sxy = 0, varFrom = 0;
  for (let i = 0; i < n; i++) {
    const ux = from[i].x - fx, uy = from[i].y - fy;
    const vx = to[i].x - tx, vy = to[i].y - ty;
    sxx += ux * vx + uy * vy; // dot: cos part
    sxy += ux * vy - uy * vx; // cross: sin part
    varFrom += ux * ux + uy * uy;
  }
  if (varFrom === 0) throw new Error('fitSimilarity: source points coincide');
  const a = sxx / varFrom;
  const b = sxy / varFrom;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

/**
 * dlib's mean face: points 17..67 of the 68-point (iBUG) layout, normalised to a unit square
 * (dlib/image_transforms/interpolation.h, get_face_chip_details). dlib's ResNet-34 face model,
 * which face-api ports, was trained on chips made with exactly this template.
 */
const MEAN_FACE_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127,
  0.490127, 0.490127, 0.490127, 0.36688, 0.426036, 0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825,
  0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149, 0.340985,
  0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379,
  0.428096, 0.490127, 0.552157, 0.689874, 0.553364, 0.490127, 0.42689,
];
const MEAN_FACE_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352,
  0.307009, 0.409805, 0.515625, 0.587326, 0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852,
  0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099, 0.780233, 0.745405,
  0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281, 0.902192, 0.864805, 0.784792,
  0.778746, 0.785343, 0.778746, 0.784792, 0.824182, 0.831803, 0.824182,
];

/**
 * The 68-point (iBUG) layout seen in a mirror: point k of a mirrored face is point
 * MIRRORED_POINT[k] of the face itself (jaw ends swap, eyes swap, the nose ridge stays).
 */
export const MIRRORED_POINT: readonly number[] = [
  16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, // jaw
  26, 25, 24, 23, 22, 21, 20, 19, 18, 17, // eyebrows
  27, 28, 29, 30, 35, 34, 33, 32, 31, // nose ridge, nostrils
  45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40, // eyes
  54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55, // outer lips
  64, 63, 62, 61, 60, 67, 66, 65, // inner lips
];

/**
 * Averages landmarks found on a crop with those found on its mirror image (both in crop
 * pixels, `widthPx` wide): each mirrored point is reflected back and renamed to the point it is
 * on the face. Reflected about pixel centres (x -> widthPx - 1 - x), as `flipHorizontal` moves
 * pixels: reflected as continuous coordinates (widthPx - x) they came out 1.0 crop pixel right
 * of the plain points on average over the 35 fixture faces, with pixel centres 0.0.
 */
export function averageWithMirror(plain: Point[], mirrored: Point[], widthPx: number): Point[] {
  const back: Point[] = new Array(plain.length);
  mirrored.forEach((p, k) => { back[MIRRORED_POINT[k]] = { x: widthPx - 1 - p.x, y: p.y }; });
  return plain.map((p, k) => ({ x: (p.x + back[k].x) / 2, y: (p.y + back[k].y) / 2 }));
}

export const CHIP_PADDING = 0.25;

/** Transform from chip pixels (the embedder's input) to image pixels that puts the 68 landmarks on dlib's mean face. */
export function dlibChipTransform(landmarks68: Point[], sizePx = EMBEDDER.inputPx, padding = CHIP_PADDING): Similarity {
  if (landmarks68.length !== LANDMARKS.points) throw new Error(`dlibChipTransform needs ${LANDMARKS.points} landmarks`);
  const chipPoints: Point[] = [];
  const imagePoints: Point[] = [];
  for (let i = 17; i < LANDMARKS.points; i++) {
    chipPoints.push({
      x: ((padding + MEAN_FACE_X[i - 17]) / (2 * padding + 1)) * sizePx,
      y: ((padding + MEAN_FACE_Y[i - 17]) / (2 * padding + 1)) * sizePx,
    });
    imagePoints.push(landmarks68[i]);
  }
  return fitSimilarity(chipPoints, imagePoints);
}

/**
 * A small change of a chip's framing, as dlib's `jitter_image` makes them to train and to
 * average descriptors (`num_jitters`): rotation about the chip centre, shift as a share of the
 * chip side, and zoom (above 1 shows more around the face).
 */
export interface ChipJitter {
  rotationDeg: number;
  shiftX: number;
  shiftY: number;
  zoom: number;
}

/**
 * Chip transform with `jitter` applied first (chip pixels -> jittered chip pixels -> image).
 * The chip is resampled from the image, so a zoomed-out chip shows more face, not black borders.
 */
export function jitterChipTransform(chipToImage: Similarity, jitter: ChipJitter, sizePx = EMBEDDER.inputPx): Similarity {
  const angle = (jitter.rotationDeg * Math.PI) / 180;
  // As complex numbers: J(z) = m z + k, about the centre c; then T(J(z)) = (mT m) z + (mT k + kT).
  const m = { re: jitter.zoom * Math.cos(angle), im: jitter.zoom * Math.sin(angle) };
  const c = (sizePx - 1) / 2;
  const k = {
    re: c - (m.re * c - m.im * c) + jitter.shiftX * sizePx,
    im: c - (m.im * c + m.re * c) + jitter.shiftY * sizePx,
  };
  const { a, b, tx, ty } = chipToImage;
  return {
    a: a * m.re - b * m.im,
    b: a * m.im + b * m.re,
    tx: a * k.re - b * k.im + tx,
    ty: b * k.re + a * k.im + ty,
  };
}

/**
 * Box the landmark net sees, from a detector box. BlazeFace boxes are squares around the inner
 * face; face-api's landmark net was trained on taller SSD-style boxes. Measured on lfw-dev:
 * the median SSD box is shifted (-0.02 s, -0.08 s) and sized 0.94 s x 1.12 s for a BlazeFace
 * side s.
 */
export function landmarkBox(box: Box): Box {
  const s = (box.width + box.height) / 2;
  const cx = box.x + box.width / 2 - 0.02 * s;
  const cy = box.y + box.height / 2 - 0.08 * s;
  const w = 0.94 * s;
  const h = 1.12 * s;
  return { x: cx - w / 2, y: cy - h / 2, width: w, height: h };
}

/**
 * Square crop transform for `box`, padded to a square the way face-api's NetInput pads
 * (centred, the long side fills the crop). Returns the crop->image transform.
 */
export function squareCropTransform(box: Box, sizePx: number): Similarity {
  const side = Math.max(box.width, box.height);
  const s = side / sizePx;
  return { a: s, b: 0, tx: box.x + box.width / 2 - side / 2, ty: box.y + box.height / 2 - side / 2 };
}

/**
 * Samples `image` through `outToIn` into a new `sizePx` x `sizePx` image, bilinear. When one
 * output pixel spans several input pixels (a large face shrunk into a small chip) it averages a
 * k x k grid of samples per pixel, so the chip does not alias. Pixels that fall outside the
 * image, or outside `clip` when given, are black (as dlib's chips and face-api's padding are).
 */
export function warpImage(image: RgbImage, outToIn: Similarity, sizePx: number, clip?: Box): RgbImage {
  const { width: W, height: H, data: src } = image;
  const out = new Uint8Array(sizePx * sizePx * 3);
  const scale = similarityScale(outToIn);
  const k = Math.max(1, Math.min(4, Math.ceil(scale - 0.25)));
  const x0 = clip ? clip.x : -Infinity, y0 = clip ? clip.y : -Infinity;
  const x1 = clip ? clip.x + clip.width : Infinity, y1 = clip ? clip.y + clip.height : Infinity;
  const { a, b, tx, ty } = outToIn;
  const inv = 1 / (k * k);
  let o = 0;
  for (let v = 0; v < sizePx; v++) {
    for (let u = 0; u < sizePx; u++, o += 3) {
      let r = 0, g = 0, bl = 0;
      for (let sv = 0; sv < k; sv++) {
        const yy = v + (sv + 0.5) / k - 0.5;
        for (let su = 0; su < k; su++) {
          const xx = u + (su + 0.5) / k - 0.5;
          const x = a * xx - b * yy + tx;
          const y = b * xx + a * yy + ty;
          if (x < x0 || y < y0 || x > x1 || y > y1 || x < 0 || y < 0 || x > W - 1 || y > H - 1) continue;
          const xi = Math.floor(x), yi = Math.floor(y);
          const fx = x - xi, fy = y - yi;
          const xj = xi + 1 < W ? xi + 1 : xi, yj = yi + 1 < H ? yi + 1 : yi;
          const p00 = (yi * W + xi) * 3, p10 = (yi * W + xj) * 3, p01 = (yj * W + xi) * 3, p11 = (yj * W + xj) * 3;
          const w00 = (1 - fx) * (1 - fy), w10 = fx * (1 - fy), w01 = (1 - fx) * fy, w11 = fx * fy;
          r += src[p00] * w00 + src[p10] * w10 + src[p01] * w01 + src[p11] * w11;
          g += src[p00 + 1] * w00 + src[p10 + 1] * w10 + src[p01 + 1] * w01 + src[p11 + 1] * w11;
          bl += src[p00 + 2] * w00 + src[p10 + 2] * w10 + src[p01 + 2] * w01 + src[p11 + 2] * w11;
        }
      }
      out[o] = Math.round(r * inv);
      out[o + 1] = Math.round(g * inv);
      out[o + 2] = Math.round(bl * inv);
    }
  }
  return { data: out, width: sizePx, height: sizePx };
}

/** Mirror image left to right. */
export function flipHorizontal(image: RgbImage): RgbImage {
  const { width: W, height: H, data } = image;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < H; y++) {
    const row = y * W * 3;
    for (let x = 0; x < W; x++) {
      const s = row + x * 3, d = row + (W - 1 - x) * 3;
      out[d] = data[s]; out[d + 1] = data[s + 1]; out[d + 2] = data[s + 2];
    }
  }
  return { data: out, width: W, height: H };
}
