/**
 * Detect stage: every face in the image, largest first. Boxes stay in decoded-image pixels
 * here; the pipeline maps them to original pixels at the end.
 *
 * BlazeFace sees a square 256x256 input, and Human stretches whatever it is given to that
 * square: a tall portrait came out with boxes three times the face's size. So the detector is
 * fed squares only: an image near square is padded to one; a long image (a group photo, a
 * panorama) is cut into overlapping squares along its long side, which also keeps small faces
 * large enough for the detector. Candidates from all squares are merged, and a small place the
 * first look was unsure of gets a second look through a magnified window (`SecondLookOptions`).
 */
import type { Box, Detection, Point, RgbImage } from './types';

export interface DetectorOptions {
  /** Most faces returned per image. */
  maxFaces: number;
  /** BlazeFace score below which a candidate is dropped before verification. */
  minScore: number;
  /** Overlap (IoU) above which two candidates are the same face. */
  iouThreshold: number;
  /**
   * Every candidate is verified by the face-mesh model's own face confidence and kept when
   * that reaches `minFaceScore` (or one of the two rules below holds). BlazeFace alone cannot
   * separate small real faces (scores 0.2-0.5 in group photos) from cat faces, clocks and logos
   * (up to 0.83); the mesh's confidence separates them cleanly (measured on multi-face and
   * no-face, docs/models.md). The mesh runs on BlazeFace's box exactly as Human would run it,
   * but the box itself stays BlazeFace's: Human's mesh-derived box made the landmark crops worse
   * (98.5% vs 99.2% on lfw-dev folds 1-2).
   */
  minFaceScore: number;
  /**
   * BlazeFace score from which a candidate needs no second opinion: the mesh misjudges some
   * real faces in unusual poses (a face half under hair, bent over a table: BlazeFace 0.91,
   * mesh 0.05), while no non-face in the no-face set scored above 0.83.
   */
  trustDetectorScore: number;
  /**
   * Otherwise a candidate passes when BlazeFace's and the mesh's scores add up to this: the
   * deep-funneled LFW faces that neither model was sure of scored (0.72, 0.74) and (0.69,
   * 0.86), the worst non-faces (0.43, 0.82) for a cat and (0.70, 0.56) for a dog.
   */
  minCombinedScore: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = { maxFaces: 50, minScore: 0.2, iouThreshold: 0.3, minFaceScore: 0.88, trustDetectorScore: 0.88, minCombinedScore: 1.35 };

/** What a detector saw in one square image (boxes in that image's pixels). */
export interface DetectorOutput {
  /** Candidates that passed the verification rule. */
  faces: Detection[];
  /** Candidates it rejected: material for a second look (`detectFaces`). */
  doubtful: Detection[];
}

/** A detector for one square image: Human's (tfjs, the reference) or the ONNX one. */
export interface FaceDetector {
  detect(image: RgbImage): Promise<DetectorOutput>;
}

/** The verification rule of `DetectorOptions`: does a candidate with these two scores pass? */
export function passesVerification(options: DetectorOptions, detectorScore: number, meshScore: number): boolean {
  return meshScore >= options.minFaceScore || detectorScore >= options.trustDetectorScore || detectorScore + meshScore >= options.minCombinedScore;
}

/** Aspect ratio up to which one padded square is used instead of tiles. */
const MAX_PAD_ASPECT = 1.5;
/** Overlap of neighbouring tiles, as a share of the tile side. */
const TILE_OVERLAP = 0.25;
/**
 * Two boxes are one face when their IoU, or the share of the smaller one they share, exceeds
 * these, or when the smaller box's centre lies inside the larger: a face cut by the edge of a
 * detection square comes back as a partial box (seen: 53% inside the whole face's box, centre
 * inside it), while two real faces never hold each other's centre.
 */
const MERGE_IOU = 0.3;
const MERGE_CONTAINED = 0.6;

interface Square {
  x: number;
  y: number;
  side: number;
}

/** The squares to run the detector on, in image pixels (a square may extend past the image). */
export function detectionSquares(width: number, height: number): Square[] {
  const long = Math.max(width, height), short = Math.min(width, height);
  if (long <= short * MAX_PAD_ASPECT) return [{ x: 0, y: 0, side: long }];
  const step = short * (1 - TILE_OVERLAP);
  const count = Math.ceil((long - short) / step) + 1;
  const stride = count > 1 ? (long - short) / (count - 1) : 0;
  return Array.from({ length: count }, (_, i) =>
    width >= height ? { x: Math.round(i * stride), y: 0, side: short } : { x: 0, y: Math.round(i * stride), side: short },
  );
}

/** Copies a square region of the image, black where it extends past the image. */
function cropSquare(image: RgbImage, sq: Square): RgbImage {
  const out = new Uint8Array(sq.side * sq.side * 3);
  const x0 = Math.max(0, sq.x), x1 = Math.min(image.width, sq.x + sq.side);
  for (let y = Math.max(0, sq.y); y < Math.min(image.height, sq.y + sq.side); y++) {
    const src = (y * image.width + x0) * 3;
    out.set(image.data.subarray(src, src + (x1 - x0) * 3), ((y - sq.y) * sq.side + (x0 - sq.x)) * 3);
  }
  return { data: out, width: sq.side, height: sq.side };
}

/** A detection of a part of the image, moved by (dx, dy) into the image and clipped to it. */
function moveDetection(d: Detection, dx: number, dy: number, image: RgbImage): Detection {
  const box = clip({ ...d.box, x: d.box.x + dx, y: d.box.y + dy }, image.width, image.height);
  return d.keypoints ? { ...d, box, keypoints: d.keypoints.map((p) => ({ x: p.x + dx, y: p.y + dy })) } : { ...d, box };
}

/** Whether the centre of `inner` lies inside `outer`. */
function centreInside(inner: Box, outer: Box): boolean {
  const cx = inner.x + inner.width / 2, cy = inner.y + inner.height / 2;
  return cx > outer.x && cx < outer.x + outer.width && cy > outer.y && cy < outer.y + outer.height;
}

function overlap(a: Box, b: Box): { iou: number; ofSmaller: number; centreInside: boolean } {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = w * h;
  const areaA = a.width * a.height, areaB = b.width * b.height;
  const [small, large] = areaA <= areaB ? [a, b] : [b, a];
  return { iou: inter / (areaA + areaB - inter), ofSmaller: inter / Math.min(areaA, areaB), centreInside: centreInside(small, large) };
}

function sameFace(a: Box, b: Box): boolean {
  const o = overlap(a, b);
  return o.iou > MERGE_IOU || o.ofSmaller > MERGE_CONTAINED || o.centreInside;
}

function iou(a: Box, b: Box): number {
  return overlap(a, b).iou;
}

/**
 * Greedy merge, strongest BlazeFace score first: a candidate overlapping a kept one is the same
 * face. (The mesh confidence only filters: it saturates at 1.0 for a face and for a box several
 * times too large around it alike.)
 */
export function mergeDetections(candidates: Detection[]): Detection[] {
  const kept: Detection[] = [];
  for (const c of [...candidates].sort((p, q) => q.detectorScore - p.detectorScore)) {
    if (!kept.some((k) => sameFace(k.box, c.box))) kept.push(c);
  }
  return kept;
}

/** Clips a box to the image. */
function clip(box: Box, width: number, height: number): Box {
  const x = Math.max(0, box.x), y = Math.max(0, box.y);
  return { x, y, width: Math.min(width, box.x + box.width) - x, height: Math.min(height, box.y + box.height) - y };
}

/**
 * A second look where the first was unsure: BlazeFace sees a 1600 px group photo at 256 px, so a
 * face of 90 px there is 15 px to it, and its box, hence the mesh's crop, is off by a third of the
 * face (the mesh then scores a real face 0.15-0.35), and two faces side by side get boxes that
 * overlap as much as two boxes of one face do. A window a few times the box's size around it, run
 * through the same detector (verification included), shows the place several times larger.
 * Nothing new is searched for: a second look only confirms or separates what the first one saw
 * (a finer scale over the whole image added faces that are not there: docs/models.md).
 */
export interface SecondLookOptions {
  /** Side of the window around a box, in multiples of the box's side; 0: no second look. */
  zoom: number;
  /**
   * Largest box that gets a second look, as a share of the side of the square it was found in:
   * 1/3 reaches the partial face at multi-face's selfie edge (0.22 of its square). Without the
   * shape check (`maxMirrorKeypointError`), the closer view also confirmed non-faces of 40-70 px
   * at BlazeFace's input, a sixth of what it added on lfw-dev (logos on caps and shirts, a
   * microphone, a fist: the mesh scored them 0.81-1.0 once they filled its crop); at 1/8 (32 px,
   * the stride of BlazeFace's coarser anchor grid) it added none, nor the selfie's face.
   */
  maxBoxShare: number;
  /** IoU from which a face found in the window is the one at the box's place (neighbours overlap less). */
  minSameIou: number;
  /** Look again at candidates the verification rejected. */
  confirm: boolean;
  /** Look again at two boxes of one square that the merge took for one face. */
  separate: boolean;
  /**
   * The shape check of a face the second look adds (first-look faces never get it): in the
   * mirror image of the window the detector must find a verified face at the mirrored place
   * (IoU >= `minSameIou`) whose eyes, nose and mouth, mirrored back, lie within this many eye
   * distances of the face's own on average (`mirrorAgreement`). A face is near symmetric and
   * BlazeFace places its features from what it sees; on a letter, a badge or a fist it guesses,
   * and guesses differently in the mirror. The bar is the 99.5th percentile on real faces only:
   * the primary faces of lfw-dev and stock-portraits, each looked at as a second look would
   * (3x window, 6941 faces, `npm run bench:detection -- --shape-bar`; fitted on either half of
   * the people 0.142-0.151, with 0.30-0.67% of the other half above it). The non-faces it rejects
   * (a cap's "B", a fist: 0.27 or no mirrored face) played no part in it. Infinity: no check.
   */
  maxMirrorKeypointError: number;
}

/**
 * Most second looks (window sets) one image gets: each is a detector call (~5-10 ms), and BlazeFace
 * keeps up to `maxFaces` candidates from a score of 0.2, so a cluttered frame could otherwise cost
 * dozens of calls on the live path. The most any image of multi-face, no-face, fr-examples,
 * stock-portraits or bbt-cast needed was 8 at 1/8 of the square (human_group-1; a no-face image
 * 5); at 1/3, looks and the shape check's mirror images together, 9 (human_group-1; the
 * no-face chessboard 7).
 */
export const MAX_SECOND_LOOKS = 12;

export const DEFAULT_SECOND_LOOK: SecondLookOptions = { zoom: 3, maxBoxShare: 1 / 3, minSameIou: 0.3, confirm: true, separate: true, maxMirrorKeypointError: 0.146 };

/** The square `zoom` times the box's side around it, in image pixels. */
function windowAround(box: Box, zoom: number): Square {
  const side = Math.round(zoom * Math.max(box.width, box.height));
  return { x: Math.round(box.x + box.width / 2 - side / 2), y: Math.round(box.y + box.height / 2 - side / 2), side };
}

/** The verified faces in a window `zoom` times the box's side around it, in image pixels. */
export async function facesInWindow(detector: FaceDetector, image: RgbImage, box: Box, zoom: number): Promise<Detection[]> {
  const window = windowAround(box, zoom);
  if (window.side < 1) return [];
  const { faces } = await detector.detect(cropSquare(image, window));
  return faces.map((f) => moveDetection(f, window.x, window.y, image));
}

/** The image mirrored left to right. */
export function mirrorImage(image: RgbImage): RgbImage {
  const out = new Uint8Array(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const src = (y * image.width + x) * 3, dst = (y * image.width + image.width - 1 - x) * 3;
      out[dst] = image.data[src];
      out[dst + 1] = image.data[src + 1];
      out[dst + 2] = image.data[src + 2];
    }
  }
  return { data: out, width: image.width, height: image.height };
}

/** What the mirror image of the window says about a face the second look found there. */
export interface MirrorAgreement {
  /** Largest IoU of a verified face in the mirrored window, mirrored back, with the face's box (0: none). */
  iou: number;
  /**
   * For that face: the mean distance of its eyes, nose and mouth (mirrored back, the eyes
   * swapped) from the face's own, in eye distances of the face; Infinity when there is none.
   */
  keypointError: number;
}

/** Mean distance of the mirrored-back keypoints from the face's (eyes swapped), in eye distances. */
function keypointError(face: Point[], back: Point[]): number {
  const pairs: [number, number][] = [[0, 1], [1, 0], [2, 2], [3, 3]];
  const eyes = Math.hypot(face[0].x - face[1].x, face[0].y - face[1].y);
  const sum = pairs.reduce((acc, [i, j]) => acc + Math.hypot(face[i].x - back[j].x, face[i].y - back[j].y), 0);
  return eyes > 0 ? sum / pairs.length / eyes : Infinity;
}

/**
 * Looks at the mirror image of the `zoom` window around `around` for `face` (image pixels):
 * a face is (near) bilaterally symmetric, so the detector finds it there at the mirrored place
 * with its features mirrored; a letter, a badge or a fist need not.
 */
export async function mirrorAgreement(detector: FaceDetector, image: RgbImage, around: Box, face: Detection, zoom: number): Promise<MirrorAgreement> {
  const window = windowAround(around, zoom);
  const none = { iou: 0, keypointError: Infinity };
  if (window.side < 1) return none;
  const { faces } = await detector.detect(mirrorImage(cropSquare(image, window)));
  const right = window.x + window.side;
  let best: MirrorAgreement = none;
  for (const f of faces) {
    const back = clip({ ...f.box, x: right - f.box.x - f.box.width, y: f.box.y + window.y }, image.width, image.height);
    const overlapIou = iou(back, face.box);
    if (overlapIou <= best.iou) continue;
    const points = f.keypoints?.map((p) => ({ x: right - p.x, y: p.y + window.y }));
    best = { iou: overlapIou, keypointError: points && face.keypoints ? keypointError(face.keypoints, points) : Infinity };
  }
  return best;
}

/**
 * The shape check of a face a second look adds (`SecondLookOptions.maxMirrorKeypointError`): one
 * more detector call, only for a face about to be added. A detector that gives no keypoints adds none.
 */
async function passesShapeCheck(detector: FaceDetector, image: RgbImage, around: Box, face: Detection, look: SecondLookOptions): Promise<boolean> {
  if (!Number.isFinite(look.maxMirrorKeypointError)) return true;
  const mirror = await mirrorAgreement(detector, image, around, face, look.zoom);
  return mirror.iou >= look.minSameIou && mirror.keypointError <= look.maxMirrorKeypointError;
}

/** The face overlapping `box` most, if it overlaps at least `minIou`. */
export function bestMatch(faces: Detection[], box: Box, minIou: number): Detection | undefined {
  let best: Detection | undefined;
  for (const f of faces) if (iou(f.box, box) >= minIou && (!best || iou(f.box, box) > iou(best.box, box))) best = f;
  return best;
}

interface Found {
  face: Detection;
  /** Index of the detection square it was found in. */
  square: number;
}

export async function detectFaces(detector: FaceDetector, image: RgbImage, look: SecondLookOptions = DEFAULT_SECOND_LOOK): Promise<Detection[]> {
  const squares = detectionSquares(image.width, image.height);
  const found: Found[] = [];
  const doubtful: Found[] = [];
  for (const [i, sq] of squares.entries()) {
    const isWhole = squares.length === 1 && sq.side === image.width && sq.side === image.height;
    const input = isWhole ? image : cropSquare(image, sq);
    const out = await detector.detect(input);
    const toImage = (d: Detection): Found => ({ face: moveDetection(d, sq.x, sq.y, image), square: i });
    found.push(...out.faces.map(toImage));
    doubtful.push(...out.doubtful.map(toImage).filter((d) => d.face.box.width > 0 && d.face.box.height > 0));
  }
  // A second look only for boxes up to `look.maxBoxShare` of their square, at most MAX_SECOND_LOOKS per image.
  let looks = 0;
  const around = async (f: Found): Promise<Detection[]> => {
    const small = Math.max(f.face.box.width, f.face.box.height) <= look.maxBoxShare * squares[f.square].side;
    if (look.zoom <= 0 || !small || looks >= MAX_SECOND_LOOKS) return [];
    looks++;
    return facesInWindow(detector, image, f.face.box, look.zoom);
  };

  // A candidate the verification rejected is a face when it is found, verified, at the same
  // place in a closer view. One at the place of a face already found is that face seen again.
  for (const d of look.confirm ? doubtful : []) {
    if (found.some((f) => sameFace(f.face.box, d.face.box))) continue;
    const face = bestMatch(await around(d), d.face.box, look.minSameIou);
    if (face && (await passesShapeCheck(detector, image, d.face.box, face, look))) found.push({ face, square: d.square });
  }

  const kept = mergeDetections(found.map((f) => f.face));
  // Two faces of one square that the merge made one: BlazeFace's own NMS had kept them apart,
  // and a box of one face found twice overlaps its twin as much as neighbours' boxes do (the
  // first look's box of a small face can sit half on its neighbour). They are two faces when a
  // closer view finds, besides the face at the kept box, another one centred in the merged box
  // that is no other kept face.
  const squareOf = new Map(found.map((f) => [f.face, f.square]));
  for (const f of look.separate ? found : []) {
    const twin = kept.includes(f.face) ? undefined : kept.find((k) => sameFace(k.box, f.face.box));
    if (!twin || squareOf.get(twin) !== f.square) continue;
    const faces = await around(f);
    const there = bestMatch(faces, twin.box, look.minSameIou);
    if (!there) continue;
    const here = faces.find((g) => g !== there && centreInside(g.box, f.face.box) && kept.every((k) => k === twin || iou(k.box, g.box) < look.minSameIou));
    if (here && (await passesShapeCheck(detector, image, f.face.box, here, look))) kept.push(here);
  }
  return kept
    .filter((d) => d.box.width > 0 && d.box.height > 0)
    .sort((p, q) => q.box.width * q.box.height - p.box.width * p.box.height);
}
