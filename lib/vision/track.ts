/**
 * Face tracking between recognition answers: pure, no DOM (it runs in the browser). The server
 * answers one frame at a time with boxes, each face's best candidate (an opaque token) and its
 * decision score, and a name only when that frame alone cleared the bar. The tracker ties the
 * faces of successive answers together by box overlap so that each face keeps an id, judges
 * the evidence of its last few frames together (`judgeTrack` in open-set.ts, the rule that
 * `bench:openset` measures in track mode), and smooths its box, which can be extrapolated to
 * the moment the overlay is drawn.
 *
 * A track is named only when its quality-weighted evidence clears the bar for that many frames
 * and the server named its leading candidate in one of those frames; the name shown is the one
 * the server sent, never one the tracker infers.
 *
 * Coordinates: pixels of the frames sent to the server (every frame of one tracker has the
 * same size). Times: milliseconds on one monotonic clock (`performance.now()` in the page),
 * taken when the frame was captured, not when its answer arrived.
 */
import { judgeTrack, type FrameEvidence } from './open-set';
import type { Box } from './types';

export type { Box };

/** One face of one answer. */
export interface Observation {
  box: Box;
  /** Who the server named in this frame alone; null = nobody cleared the one-frame bar. */
  match: { personId: string; name: string; similarity: number } | null;
  /**
   * The server's best candidate for the face even below the bar: an opaque token (the same
   * person has the same token within one server process) and its decision score (impostor
   * standard deviations). Both null when nobody is enrolled.
   */
  decision: { candidate: string | null; score: number | null };
  /** Quality score of the face, 0..1: the weight of this frame's evidence. */
  quality: number;
}

export type TrackLabel =
  | { status: 'matched'; personId: string; name: string; similarity: number }
  | { status: 'unknown' };

/** A track as the page sees it (a copy: changing it changes nothing in the tracker). */
export interface TrackedFace {
  id: number;
  /** Smoothed box; from `predict()`, moved on to the asked time by the track's velocity. */
  box: Box;
  label: TrackLabel;
  /**
   * Share of the window's frame weight that says the same as the label on its own, 0..1: for a
   * named track, frames whose best candidate is that person; for an unknown one, frames in
   * which the server named nobody.
   */
  confidence: number;
  /** Answers this face was seen in. */
  hits: number;
  /** Answers in a row it has been missing from (it coasts on its velocity meanwhile). */
  missed: number;
  /** Seen in at least `minHits` answers: worth showing (a one-answer detection may be a false one). */
  confirmed: boolean;
  lastSeenMs: number;
}

export interface TrackerOptions {
  /**
   * Answers a face must be seen in before its track is confirmed. Until then a single miss
   * drops it, so a detector's one-frame false face never shows.
   */
  minHits: number;
  /** A face continues a track only if its box overlaps the track's predicted box at least this much (IoU). */
  minIou: number;
  /** A track is dropped after missing from more than this many answers in a row... */
  maxMissed: number;
  /**
   * ...or when it has not been seen for this long (ms), answers or not (the server went quiet).
   * With slow answers the limit stretches to `maxAgeAnswers` answer intervals, so a track
   * does not expire while the next answer is merely on its way.
   */
  maxAgeMs: number;
  maxAgeAnswers: number;
  /** Weight of a new measurement against the prediction, 0..1 (1 = no smoothing). */
  boxGain: number;
  /** Weight of a new velocity estimate against the previous one, 0..1. */
  velocityGain: number;
  /** Boxes are extrapolated at most this far (ms) past the last answer. */
  maxPredictMs: number;
  /**
   * Added to the overlap score when a face's best candidate is the track's leading candidate
   * (helps when faces cross; works for strangers too, whose best candidate is usually stable).
   */
  sameIdentityBonus: number;
  /**
   * Hysteresis, in decision-score units (impostor standard deviations): a named track keeps its
   * name while its evidence for that person stays within this much below the bar, so a face
   * whose evidence sits right at the bar does not flicker. Naming a track always takes the full
   * bar, so this does not change which tracks get named, only how long a name stays.
   */
  holdMargin: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  minHits: 2,
  minIou: 0.2,
  maxMissed: 2,
  maxAgeMs: 1500,
  maxAgeAnswers: 2.5,
  boxGain: 0.7,
  velocityGain: 0.5,
  maxPredictMs: 400,
  sameIdentityBonus: 0.1,
  holdMargin: 0.25,
};

/** One frame of a track: its evidence, and the name the server sent with it, if any. */
interface Frame extends FrameEvidence {
  match: Observation['match'];
}

interface Track {
  id: number;
  box: Box;
  /** Velocity of the box centre, px/ms. */
  vx: number;
  vy: number;
  /** The last `bars.length` frames, oldest first. */
  frames: Frame[];
  /** Leading candidate of the frames (named or not), for `sameIdentityBonus`. */
  leader: string | null;
  label: TrackLabel;
  /** Candidate token behind the current name (null while unknown), for the hysteresis. */
  namedCandidate: string | null;
  confidence: number;
  hits: number;
  missed: number;
  lastSeenMs: number;
}

const MAX_INTERVAL_SAMPLE_MS = 4000;

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function shift(box: Box, dx: number, dy: number): Box {
  return { x: box.x + dx, y: box.y + dy, width: box.width, height: box.height };
}

function frameOf(o: Observation): Frame {
  const score = o.decision.score;
  return {
    candidate: o.decision.candidate,
    // null: nobody was enrolled, so the frame is evidence for no one.
    score: score === null || Number.isNaN(score) ? -Infinity : score,
    weight: Number.isFinite(o.quality) ? Math.min(1, Math.max(0, o.quality)) : 0,
    match: o.match,
  };
}

/** Share of the frames' weight (floored as `trackEvidence` floors it) for which `agrees` holds. */
function weightShare(frames: Frame[], agrees: (f: Frame) => boolean): number {
  let part = 0;
  let total = 0;
  for (const f of frames) {
    const w = Math.max(1e-3, f.weight);
    total += w;
    if (agrees(f)) part += w;
  }
  return total > 0 ? part / total : 0;
}

/**
 * Labels a track from its frames against `bars` (from the latest answer). Named when
 * `judgeTrack` names its leading candidate, or, if that candidate already holds the name, while
 * the evidence stays within `holdMargin` below the bar; and in both cases only when a frame in
 * the window carries the server's name for that candidate (the newest such frame gives the
 * name and similarity shown, so a rename shows at the next named frame).
 */
function judge(t: Track, bars: number[], holdMargin: number): void {
  const verdict = judgeTrack(t.frames, bars);
  t.leader = verdict?.candidate ?? null;
  const source = verdict ? t.frames.findLast((f) => f.match !== null && f.candidate === verdict.candidate) : undefined;
  const held = verdict !== null && t.namedCandidate === verdict.candidate && verdict.score >= verdict.bar - holdMargin;
  if (verdict && source?.match && (verdict.named || held)) {
    t.label = { status: 'matched', ...source.match };
    t.namedCandidate = verdict.candidate;
    t.confidence = weightShare(t.frames, (f) => f.candidate === verdict.candidate);
  } else {
    t.label = { status: 'unknown' };
    t.namedCandidate = null;
    t.confidence = weightShare(t.frames, (f) => f.match === null);
  }
}

export class FaceTracker {
  private readonly opts: TrackerOptions;
  private tracks: Track[] = [];
  private nextId = 1;
  private lastUpdateMs = -Infinity;
  /** Smoothed time between the frames of successive answers, ms (null before two answers). */
  private answerIntervalMs: number | null = null;
  /** Decision-score bars for tracks of 1, 2, ... frames, from the latest answer. */
  private bars: number[] = [];

  constructor(options: Partial<TrackerOptions> = {}) {
    this.opts = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  /**
   * Folds in one answer: the faces found in the frame captured at `frameMs`, and the answer's
   * `trackBars` (`bars[n - 1]`: the bar on the evidence of n frames; they move as people are
   * enrolled or deleted, so every track is judged again against the latest). Returns the live
   * tracks. An answer older than the previous one is ignored (its frame is stale).
   */
  update(observations: Observation[], frameMs: number, bars: readonly number[]): TrackedFace[] {
    if (frameMs < this.lastUpdateMs) return this.view(this.tracks, frameMs, false);
    const o = this.opts;
    this.bars = [...bars];
    const maxAge = this.maxAgeMs();
    this.tracks = this.tracks.filter((t) => frameMs - t.lastSeenMs <= maxAge);
    if (Number.isFinite(this.lastUpdateMs)) {
      // A long silence (server down) is not the answer rate: cap what one gap can teach.
      const interval = Math.min(frameMs - this.lastUpdateMs, MAX_INTERVAL_SAMPLE_MS);
      this.answerIntervalMs = this.answerIntervalMs === null ? interval : this.answerIntervalMs + 0.3 * (interval - this.answerIntervalMs);
    }
    this.lastUpdateMs = frameMs;

    // Candidate pairs by overlap with where each track should be now, best first (greedy).
    const predicted = this.tracks.map((t) => this.extrapolate(t, frameMs));
    const pairs: { t: number; f: number; score: number }[] = [];
    this.tracks.forEach((track, t) => {
      observations.forEach((obs, f) => {
        const overlap = iou(predicted[t], obs.box);
        if (overlap < o.minIou) return;
        const same = obs.decision.candidate !== null && obs.decision.candidate === track.leader;
        pairs.push({ t, f, score: overlap + (same ? o.sameIdentityBonus : 0) });
      });
    });
    pairs.sort((a, b) => b.score - a.score);
    const trackTaken = new Set<number>();
    const obsTaken = new Set<number>();
    for (const p of pairs) {
      if (trackTaken.has(p.t) || obsTaken.has(p.f)) continue;
      trackTaken.add(p.t);
      obsTaken.add(p.f);
      this.correct(this.tracks[p.t], predicted[p.t], observations[p.f], frameMs);
    }

    for (let t = 0; t < this.tracks.length; t++) if (!trackTaken.has(t)) this.tracks[t].missed++;
    this.tracks = this.tracks.filter((t) => t.missed <= (t.hits >= o.minHits ? o.maxMissed : 0));

    observations.forEach((obs, f) => {
      if (obsTaken.has(f)) return;
      this.tracks.push({
        id: this.nextId++,
        box: { ...obs.box },
        vx: 0,
        vy: 0,
        frames: [frameOf(obs)],
        leader: null,
        label: { status: 'unknown' },
        namedCandidate: null,
        confidence: 0,
        hits: 1,
        missed: 0,
        lastSeenMs: frameMs,
      });
    });
    // Every track, seen in this answer or coasting: the bars may have moved.
    const window = Math.max(1, this.bars.length);
    for (const t of this.tracks) {
      if (t.frames.length > window) t.frames.splice(0, t.frames.length - window);
      judge(t, this.bars, o.holdMargin);
    }
    return this.view(this.tracks, frameMs, false);
  }

  /** The live tracks with boxes moved on to `nowMs` (for drawing between answers). */
  predict(nowMs: number): TrackedFace[] {
    const maxAge = this.maxAgeMs();
    const live = this.tracks.filter((t) => nowMs - t.lastSeenMs <= maxAge);
    return this.view(live, nowMs, true);
  }

  /** Forgets every track (camera switched off, another video). Ids keep counting up. */
  reset(): void {
    this.tracks = [];
    this.lastUpdateMs = -Infinity;
    this.answerIntervalMs = null;
    this.bars = [];
  }

  /** How long an unseen track lives: the configured time, stretched for slow answers. */
  maxAgeMs(): number {
    return Math.max(this.opts.maxAgeMs, (this.answerIntervalMs ?? 0) * this.opts.maxAgeAnswers);
  }

  private extrapolate(t: Track, atMs: number): Box {
    const dt = Math.min(Math.max(0, atMs - t.lastSeenMs), this.opts.maxPredictMs);
    return shift(t.box, t.vx * dt, t.vy * dt);
  }

  /** Alpha-beta update of the box and its velocity; the frame joins the track's evidence. */
  private correct(t: Track, predicted: Box, obs: Observation, frameMs: number): void {
    const o = this.opts;
    const dt = frameMs - t.lastSeenMs;
    const g = o.boxGain;
    const next: Box = {
      x: predicted.x + g * (obs.box.x - predicted.x),
      y: predicted.y + g * (obs.box.y - predicted.y),
      width: predicted.width + g * (obs.box.width - predicted.width),
      height: predicted.height + g * (obs.box.height - predicted.height),
    };
    if (dt > 0) {
      const cx = (b: Box) => b.x + b.width / 2;
      const cy = (b: Box) => b.y + b.height / 2;
      // Measured centre motion since the last answer this track was seen in.
      const mvx = (cx(obs.box) - cx(t.box)) / dt;
      const mvy = (cy(obs.box) - cy(t.box)) / dt;
      const vg = t.hits === 1 ? 1 : o.velocityGain;
      t.vx += vg * (mvx - t.vx);
      t.vy += vg * (mvy - t.vy);
    }
    t.box = next;
    t.hits++;
    t.missed = 0;
    t.lastSeenMs = frameMs;
    t.frames.push(frameOf(obs));
  }

  private view(tracks: Track[], atMs: number, extrapolate: boolean): TrackedFace[] {
    return tracks.map((t) => ({
      id: t.id,
      box: extrapolate ? this.extrapolate(t, atMs) : { ...t.box },
      label: { ...t.label },
      confidence: t.confidence,
      hits: t.hits,
      missed: t.missed,
      confirmed: t.hits >= this.opts.minHits,
      lastSeenMs: t.lastSeenMs,
    }));
  }
}
