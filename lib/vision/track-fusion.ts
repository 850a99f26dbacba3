/**
 * A track judged on one fused probe, pure: the frames of one face are averaged into one
 * embedding (feature-level fusion) and that probe is searched and decided with the one-frame
 * rule of lib/vision/open-set.ts (centroids, crowding, runners-up), against a bar calibrated on
 * simulated stranger tracks fused the same way (`TrackCalibration`, fitted by
 * lib/vision/track-fusion-fit.ts).
 *
 * Why fuse embeddings rather than scores: averaging the photos' embeddings cancels what differs
 * between them (pose, light, expression) before the comparison, where averaging their decision
 * scores only smooths the noise of each comparison. On lfw-dev track mode, with each rule's bar
 * calibrated the same way at the same stranger rate, the fused probe named 91.9% of enrolled
 * 3-photo tracks in-sample (score-level rules: 84-88%); cross-validated figures in
 * docs/models.md, "Tracks".
 */
import { unitMean } from '../math/vector';
import { decideIdentity, openSetThreshold, TRACK_FPIR_SHARE, type IdentityDecision, type OpenSetCalibration, type PersonScore } from './open-set';
import { CANDIDATES, type Gallery, type OperatingPoint } from './recognize';

/** Bars for fused tracks, the shape of the one-frame table (lib/vision/calibration/<model>.tracks.json). */
export interface TrackCalibration {
  /** Embedding recipe it was measured with. */
  modelId: string;
  /** Gallery sizes (people) of each table's rows, ascending. */
  galleryPeople: number[];
  /** Target FPIRs of its columns, descending (the track's share of the target is applied before the look-up). */
  fpir: number[];
  /**
   * thresholds[n - 2][i][j]: decision score of a fused probe of n frames exceeded by a share
   * fpir[j] of strangers' tracks against galleryPeople[i] people; longer tracks use the last table.
   */
  thresholds: number[][][];
  /** How it was made: command, dataset, date. */
  source: string;
}

/**
 * The fused probe of a track: the mean of its frames' unit embeddings, renormalised. Unweighted:
 * weighting by the quality score did not name more tracks (lfw-dev, docs/models.md). Throws for
 * no frames or embeddings that cancel out (no direction to search).
 */
export function fuseEmbeddings(embeddings: Float32Array[]): Float32Array {
  if (embeddings.length === 0) throw new Error('fuseEmbeddings: no frames');
  const fused = unitMean(embeddings); // throws for vectors of different lengths
  if (!fused) throw new Error('fuseEmbeddings: the frames cancel out');
  return fused;
}

/**
 * The one-frame calibration with a fused-track table as its bars: a fused probe is decided
 * exactly as a frame is (same scores, same `ambiguous` reason), only the bar differs.
 * One frame is the one-frame rule itself.
 */
function asFrameCalibration(cal: OpenSetCalibration, tracks: TrackCalibration, frames: number): OpenSetCalibration {
  if (frames <= 1 || tracks.thresholds.length === 0) return cal;
  const table = tracks.thresholds[Math.min(frames, tracks.thresholds.length + 1) - 2];
  return { ...cal, galleryPeople: tracks.galleryPeople, fpir: tracks.fpir, thresholds: table };
}

/**
 * The target FPIR a track of `frames` frames is held to: a track's name stays on screen as long
 * as the person does, so tracks get `TRACK_FPIR_SHARE` of the frame's target.
 */
export function trackTargetFpir(targetFpir: number, frames: number): number {
  return frames <= 1 ? targetFpir : targetFpir * TRACK_FPIR_SHARE;
}

/**
 * The bar a fused probe of `frames` frames must reach in a gallery of `people` people: the
 * fused-track table's, and never less than one frame's. The tracks the table was fitted on are
 * of different photos; a still camera's frames are nearly one image, and a caller can send one
 * token several times, so a fused probe must not be named on less than a single frame would be
 * (on the shipped tables at the default 1% target the track bars are 0.10-0.40 above the
 * one-frame bar, so the floor costs nothing there; at 0.1% with 500-1000 people they fall up to
 * 0.22 below it, where the tail of the simulated stranger tracks is thin, and the floor holds).
 */
export function fusedTrackThreshold(cal: OpenSetCalibration, tracks: TrackCalibration, people: number, targetFpir: number, frames: number): number {
  return fusedBars(cal, tracks, people, targetFpir, frames).bar;
}

/** The fused-track table for `frames` frames, the target it is read at, its bar, and the bar with the floor. */
function fusedBars(cal: OpenSetCalibration, tracks: TrackCalibration, people: number, targetFpir: number, frames: number) {
  const table = asFrameCalibration(cal, tracks, frames);
  const trackFpir = trackTargetFpir(targetFpir, frames);
  const tableBar = openSetThreshold(table, people, trackFpir);
  return { table, trackFpir, tableBar, bar: Math.max(tableBar, openSetThreshold(cal, people, targetFpir)) };
}

/**
 * Names the best candidate of a fused probe of `frames` frames when its decision score clears
 * the fused-track bar for that many frames and that gallery; otherwise unknown, with the reason.
 * `candidates` are the gallery's best people for the fused probe (as for one frame).
 */
export function judgeFusedTrack(
  cal: OpenSetCalibration,
  tracks: TrackCalibration,
  candidates: PersonScore[],
  opts: { galleryPeople: number; targetFpir: number; frames: number },
): IdentityDecision {
  const { table, trackFpir, tableBar, bar } = fusedBars(cal, tracks, opts.galleryPeople, opts.targetFpir, opts.frames);
  return decideIdentity(table, candidates, { galleryPeople: opts.galleryPeople, targetFpir: trackFpir, barOffset: bar - tableBar });
}

/** Names a track from its frames' unit embeddings: fused, searched in the gallery, judged for that many frames. */
export function identifyTrack(gallery: Gallery, embeddings: Float32Array[], at: OperatingPoint, tracks: TrackCalibration): IdentityDecision {
  const candidates = gallery.searchPeople(fuseEmbeddings(embeddings), Math.max(CANDIDATES, at.calibration.runnersUp + 1), { crowding: at.calibration.crowdingNeighbours });
  return judgeFusedTrack(at.calibration, tracks, candidates, { galleryPeople: gallery.searchablePeople(), targetFpir: at.targetFpir, frames: embeddings.length });
}
