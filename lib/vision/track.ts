/**
 * Face tracking between recognition answers: pure, no DOM, no dependencies (it runs in the
 * browser). The server answers one frame at a time with boxes and an identity or `unknown`;
 * the tracker ties the faces of successive answers together by box overlap so that each face
 * keeps an id, its label is the quality-weighted vote of its last few answers (one odd answer
 * does not make it flicker; `unknown` is a vote like any name), and its box is smoothed and can
 * be extrapolated to the moment the overlay is drawn.
 *
 * Coordinates: pixels of the frames sent to the server (every frame of one tracker has the
 * same size). Times: milliseconds on one monotonic clock (`performance.now()` in the page),
 * taken when the frame was captured, not when its answer arrived.
 */
import type { Box } from './types';

export type { Box };

/** One face of one answer. */
export interface Observation {
  box: Box;
  /** Who the server says it is; null = unknown. */
  match: { personId: string; name: string; similarity: number } | null;
  /** Quality score of the face, 0..1: the weight of this answer's vote. */
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
  /** Share of the window's vote weight behind the label, 0..1. */
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
  /** How many recent answers vote on a track's label. */
  voteWindow: number;
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
  /** Added to the overlap score when a face carries the track's current identity (helps when faces cross). */
  sameIdentityBonus: number;
  /** Floor of a vote's weight, so a zero-quality answer still counts a little. */
  minVoteWeight: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  minHits: 2,
  minIou: 0.2,
  voteWindow: 5,
  maxMissed: 2,
  maxAgeMs: 1500,
  maxAgeAnswers: 2.5,
  boxGain: 0.7,
  velocityGain: 0.5,
  maxPredictMs: 400,
  sameIdentityBonus: 0.1,
  minVoteWeight: 0.05,
};

interface Vote {
  /** personId, or UNKNOWN. */
  key: string;
  name: string;
  similarity: number;
  weight: number;
}

interface Track {
  id: number;
  box: Box;
  /** Velocity of the box centre, px/ms. */
  vx: number;
  vy: number;
  votes: Vote[];
  labelKey: string;
  hits: number;
  missed: number;
  lastSeenMs: number;
}

const UNKNOWN = '\u0000unknown';
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

function voteOf(o: Observation, minWeight: number): Vote {
  const weight = Math.max(minWeight, Number.isFinite(o.quality) ? Math.min(1, o.quality) : 0);
  return o.match
    ? { key: o.match.personId, name: o.match.name, similarity: o.match.similarity, weight }
    : { key: UNKNOWN, name: '', similarity: 0, weight };
}

/** The label with the most vote weight; the current one stays on a tie (hysteresis). */
function elect(votes: Vote[], currentKey: string | null): { key: string; share: number } {
  const totals = new Map<string, number>();
  let sum = 0;
  for (const v of votes) {
    totals.set(v.key, (totals.get(v.key) ?? 0) + v.weight);
    sum += v.weight;
  }
  let bestKey = currentKey ?? votes[votes.length - 1].key;
  let best = totals.get(bestKey) ?? 0;
  for (const [key, w] of totals) {
    if (w > best + 1e-9) {
      best = w;
      bestKey = key;
    }
  }
  return { key: bestKey, share: sum > 0 ? best / sum : 0 };
}

function labelOf(track: Track): TrackLabel {
  if (track.labelKey === UNKNOWN) return { status: 'unknown' };
  // The newest vote for the elected person gives the name and similarity shown.
  for (let i = track.votes.length - 1; i >= 0; i--) {
    const v = track.votes[i];
    if (v.key === track.labelKey) return { status: 'matched', personId: v.key, name: v.name, similarity: v.similarity };
  }
  return { status: 'unknown' };
}

export class FaceTracker {
  private readonly opts: TrackerOptions;
  private tracks: Track[] = [];
  private nextId = 1;
  private lastUpdateMs = -Infinity;
  /** Smoothed time between the frames of successive answers, ms (null before two answers). */
  private answerIntervalMs: number | null = null;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.opts = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  /**
   * Folds in one answer: the faces found in the frame captured at `frameMs`. Returns the live
   * tracks. An answer older than the previous one is ignored (its frame is stale).
   */
  update(observations: Observation[], frameMs: number): TrackedFace[] {
    if (frameMs < this.lastUpdateMs) return this.view(this.tracks, frameMs, false);
    const o = this.opts;
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
        const same = (obs.match?.personId ?? UNKNOWN) === track.labelKey;
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
      const vote = voteOf(obs, o.minVoteWeight);
      this.tracks.push({
        id: this.nextId++,
        box: { ...obs.box },
        vx: 0,
        vy: 0,
        votes: [vote],
        labelKey: vote.key,
        hits: 1,
        missed: 0,
        lastSeenMs: frameMs,
      });
    });
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
  }

  /** How long an unseen track lives: the configured time, stretched for slow answers. */
  maxAgeMs(): number {
    return Math.max(this.opts.maxAgeMs, (this.answerIntervalMs ?? 0) * this.opts.maxAgeAnswers);
  }

  private extrapolate(t: Track, atMs: number): Box {
    const dt = Math.min(Math.max(0, atMs - t.lastSeenMs), this.opts.maxPredictMs);
    return shift(t.box, t.vx * dt, t.vy * dt);
  }

  /** Alpha-beta update of the box and its velocity, then the vote. */
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
    t.votes.push(voteOf(obs, o.minVoteWeight));
    if (t.votes.length > o.voteWindow) t.votes.splice(0, t.votes.length - o.voteWindow);
    t.labelKey = elect(t.votes, t.labelKey).key;
  }

  private view(tracks: Track[], atMs: number, extrapolate: boolean): TrackedFace[] {
    return tracks.map((t) => ({
      id: t.id,
      box: extrapolate ? this.extrapolate(t, atMs) : { ...t.box },
      label: labelOf(t),
      confidence: elect(t.votes, t.labelKey).share,
      hits: t.hits,
      missed: t.missed,
      confirmed: t.hits >= this.opts.minHits,
      lastSeenMs: t.lastSeenMs,
    }));
  }
}
