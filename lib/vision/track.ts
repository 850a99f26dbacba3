/**
 * Face tracking between recognition answers: pure, no DOM (it runs in the browser). The server
 * answers one frame at a time with boxes, each face's best candidate (an opaque token), a name
 * only when that frame alone cleared the bar, and the face's evidence token (its embedding,
 * sealed for this caller). The tracker ties the faces of successive answers together by box
 * overlap so that each face keeps an id, keeps the evidence tokens of its last few frames, and
 * smooths its box, which can be extrapolated to the moment the overlay is drawn.
 *
 * Names (docs/models.md, "Tracks"): a frame the server named shows that name at once; a track
 * of two or more frames is judged on its frames fused into one probe by the function the page
 * passes in (`askTrack`: POST /recognize/track), which names more of the enrolled and no more
 * strangers than any rule on the frames' scores did. An unnamed track asks when it has a new
 * frame, at most twice a second (`askIntervalMs`), a named one about once a second
 * (`recheckMs`), to keep its name or lose it: a track loses its name when the fused answer no longer names that person
 * (a deleted person turns unknown within about a second). The name shown is always one the
 * server sent, never one the tracker infers.
 *
 * Coordinates: pixels of the frames sent to the server (every frame of one tracker has the
 * same size). Times: milliseconds on one monotonic clock (`performance.now()` in the page),
 * taken when the frame was captured, not when its answer arrived.
 */
import { LIMITS } from '../contract/limits';
import type { Box } from './types';

export type { Box };

type Match = { personId: string; name: string; similarity: number };

/** One face of one answer. */
export interface Observation {
  box: Box;
  /** Who the server named in this frame alone; null = nobody cleared the one-frame bar. */
  match: Match | null;
  /**
   * The server's best candidate for the face even below the bar: an opaque token (the same
   * person has the same token for this caller within the hour) and its decision score.
   * Both null when nobody is enrolled.
   */
  decision: { candidate: string | null; score: number | null };
  /** Quality score of the face, 0..1: the weight of this frame in `confidence`. */
  quality: number;
  /** The face's evidence token (for `askTrack`); absent from servers that send none. */
  evidence?: string;
}

/** What the server said about a track's frames fused into one probe (POST /recognize/track). */
export interface FusedVerdict {
  /** The person named, or null: the fused evidence names nobody. */
  match: Match | null;
  /** Opaque id of the best person (the same tokens as the frames' `decision.candidate`). */
  candidate: string | null;
}

/** Asks the server to judge a track's evidence tokens; null (or a rejection) = no verdict this time. */
export type AskTrack = (evidence: string[]) => Promise<FusedVerdict | null>;

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
  /** Frames (evidence tokens) a track keeps: what one /recognize/track request takes. */
  maxFrames: number;
  /**
   * A track not yet named asks at most this often (ms): a page answered 10 times a second with two
   * strangers in view would otherwise triple its request rate (the questions have a rate-limit
   * bucket of their own on the server, so they never cost frames, but they still cost requests).
   */
  askIntervalMs: number;
  /** A named track's fused verdict is asked again at most this often (ms). */
  recheckMs: number;
  /** Evidence older than this (ms before the newest frame) is not sent: the server refuses tokens after 60 s. */
  maxEvidenceAgeMs: number;
  /** Fused requests one answer may start at most (the tracks waiting longest go first), so a crowd does not multiply the request rate. */
  maxAsksPerAnswer: number;
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
  maxFrames: LIMITS.trackFramesMax,
  askIntervalMs: 500,
  recheckMs: 1000,
  maxEvidenceAgeMs: 45_000,
  maxAsksPerAnswer: 2,
};

/** One frame of a track. */
interface Frame {
  candidate: string | null;
  weight: number;
  match: Match | null;
  evidence: string | null;
  frameMs: number;
}

interface Track {
  id: number;
  box: Box;
  /** Velocity of the box centre, px/ms. */
  vx: number;
  vy: number;
  /** The last `maxFrames` frames, oldest first. */
  frames: Frame[];
  /** Candidate of the label (named) or of the newest frame (unknown), for `sameIdentityBonus`. */
  leader: string | null;
  label: TrackLabel;
  /** The latest fused verdict and the newest frame it covered. */
  fused: { verdict: FusedVerdict; coversMs: number } | null;
  /** A fused request is on its way (one per track at a time). */
  asking: boolean;
  /** Page time of the last fused request, and the newest frame it carried. */
  askedAtMs: number;
  askedFrameMs: number;
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

function frameOf(o: Observation, frameMs: number): Frame {
  return {
    candidate: o.decision.candidate,
    weight: Number.isFinite(o.quality) ? Math.min(1, Math.max(0, o.quality)) : 0,
    match: o.match,
    evidence: o.evidence ?? null,
    frameMs,
  };
}

/** Share of the frames' weight (each at least 1e-3) for which `agrees` holds. */
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
 * Labels a track: the newest frame the server named after the latest fused verdict shows its
 * name at once; otherwise the fused verdict decides (a name, or unknown); before any verdict, a
 * name the server sent for a frame in the window stays.
 */
function judge(t: Track): void {
  const since = t.fused?.coversMs ?? -Infinity;
  const frame = t.frames.findLast((f) => f.match !== null && f.frameMs > since);
  const match = frame ? frame.match : (t.fused?.verdict.match ?? null);
  const candidate = frame ? frame.candidate : (t.fused?.verdict.candidate ?? null);
  if (match) {
    t.label = { status: 'matched', ...match };
    t.leader = candidate;
    t.confidence = weightShare(t.frames, (f) => f.candidate !== null && f.candidate === candidate);
  } else {
    t.label = { status: 'unknown' };
    t.leader = t.frames[t.frames.length - 1]?.candidate ?? null;
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
  private readonly askTrack: AskTrack | null;

  /**
   * `askTrack`: how the page asks the server about a track's fused frames (POST
   * /recognize/track); without it tracks are named by single frames only.
   */
  constructor(options: Partial<TrackerOptions> = {}, askTrack: AskTrack | null = null) {
    this.opts = { ...DEFAULT_TRACKER_OPTIONS, ...options };
    this.askTrack = askTrack;
  }

  /**
   * Folds in one answer: the faces found in the frame captured at `frameMs`. Returns the live
   * tracks, and asks the server about the tracks due a fused verdict (their labels change when
   * it answers: read them with `predict`). An answer older than the previous one is ignored
   * (its frame is stale).
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
        frames: [frameOf(obs, frameMs)],
        leader: null,
        label: { status: 'unknown' },
        fused: null,
        asking: false,
        askedAtMs: -Infinity,
        askedFrameMs: -Infinity,
        confidence: 0,
        hits: 1,
        missed: 0,
        lastSeenMs: frameMs,
      });
    });
    for (const t of this.tracks) {
      if (t.frames.length > o.maxFrames) t.frames.splice(0, t.frames.length - o.maxFrames);
      judge(t);
    }
    const due = this.tracks
      .map((t) => ({ t, frames: this.evidenceDue(t, frameMs) }))
      .filter((d): d is { t: Track; frames: Frame[] } => d.frames !== null)
      .sort((a, b) => a.t.askedAtMs - b.t.askedAtMs)
      .slice(0, o.maxAsksPerAnswer);
    for (const d of due) this.ask(d.t, d.frames, frameMs);
    return this.view(this.tracks, frameMs, false);
  }

  /**
   * The frames to ask about when a track is due a fused verdict: evidence of 2+ frames with one
   * not yet asked about; an unknown track at most every `askIntervalMs`, a named one every
   * `recheckMs`. Null when not due.
   */
  private evidenceDue(t: Track, nowMs: number): Frame[] | null {
    if (!this.askTrack || t.asking) return null;
    const newest = t.frames[t.frames.length - 1];
    const frames = t.frames.filter((f) => f.evidence !== null && newest.frameMs - f.frameMs <= this.opts.maxEvidenceAgeMs);
    if (frames.length < 2 || frames[frames.length - 1].frameMs <= t.askedFrameMs) return null;
    if (nowMs - t.askedAtMs < (t.label.status === 'matched' ? this.opts.recheckMs : this.opts.askIntervalMs)) return null;
    return frames;
  }

  private ask(t: Track, frames: Frame[], nowMs: number): void {
    const askTrack = this.askTrack;
    if (!askTrack) return;
    const coversMs = frames[frames.length - 1].frameMs;
    t.asking = true;
    t.askedAtMs = nowMs;
    t.askedFrameMs = coversMs;
    const settle = (verdict: FusedVerdict | null) => {
      t.asking = false;
      // Tracks dropped or reset meanwhile are not in the list any more (ids are never reused).
      if (!verdict || !this.tracks.includes(t) || (t.fused && t.fused.coversMs >= coversMs)) return;
      t.fused = { verdict, coversMs };
      judge(t);
    };
    askTrack(frames.map((f) => f.evidence ?? '')).then(settle, () => settle(null));
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
    t.frames.push(frameOf(obs, frameMs));
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
