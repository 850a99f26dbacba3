/**
 * Writes the sightings of recognition answers (FACEREC_SIGHTINGS), off the answers' path. A
 * camera sends several frames a second, and each durable write is an fsync (SQLite,
 * synchronous=FULL, on the main thread) or a transaction with an advisory lock (PostgreSQL): so
 * the answers of one key naming one person are gathered in memory and written at most once per
 * `flushMs` as one span (first and last time, count, best similarity), which the registry merges
 * into the track's sighting exactly as it merges single answers. What is gathered and not yet
 * written (at most `flushMs` of answers) is lost if the process dies: sightings are a record of
 * visits, not of frames, and a visit outlasts a second. A failure is counted and logged, never
 * answered. Only named faces are written; unknown faces are counted by facerec_faces_total.
 */
import type { SightingObservation, SightingsRepository } from '@/lib/registry/sightings';

export interface NamedFace {
  match: { personId: string; similarity: number } | null;
}

export type SightingOutcome = 'new' | 'extended' | 'gone' | 'failed';

export interface SightingsWriterOptions {
  /** Longest an answer waits in memory before it is written (ms). */
  flushMs?: number;
  onOutcome: (outcome: SightingOutcome) => void;
  log: { warn(obj: object, msg?: string): void };
}

/**
 * One second: a live page sends 3-30 frames a second, so one write a second per camera and
 * person instead of one per frame, while "last seen" stays within a second of the truth (the
 * registry merges answers up to 10 s apart into one sighting anyway).
 */
export const SIGHTINGS_FLUSH_MS = 1_000;

/** The best similarity per person named in one answer (a person shown twice in a frame is one sighting). */
export function namedPeople(faces: readonly NamedFace[]): Map<string, number> {
  const best = new Map<string, number>();
  for (const f of faces) {
    if (!f.match) continue;
    // Float rounding can put a cosine a hair past 1.
    const similarity = Math.max(-1, Math.min(1, f.match.similarity));
    best.set(f.match.personId, Math.max(similarity, best.get(f.match.personId) ?? -1));
  }
  return best;
}

export class SightingsWriter {
  private readonly repo: Pick<SightingsRepository, 'record'>;
  private readonly flushMs: number;
  private readonly onOutcome: SightingsWriterOptions['onOutcome'];
  private readonly log: SightingsWriterOptions['log'];
  /** Gathered spans by key and person, in the order they were first seen. */
  private pending = new Map<string, Required<SightingObservation>>();
  private timer: NodeJS.Timeout | null = null;
  /** The write in progress (writes run one after another, in order). */
  private writing: Promise<void> = Promise.resolve();

  constructor(repo: Pick<SightingsRepository, 'record'>, opts: SightingsWriterOptions) {
    this.repo = repo;
    this.flushMs = opts.flushMs ?? SIGHTINGS_FLUSH_MS;
    this.onOutcome = opts.onOutcome;
    this.log = opts.log;
  }

  /** Adds one answer's named people (`at`: when it was computed, ISO 8601 UTC with ms); never throws, never waits. */
  observe(faces: readonly NamedFace[], answer: { keyId: string | null; at: string }): void {
    for (const [personId, similarity] of namedPeople(faces)) {
      const id = `${answer.keyId === null ? '' : `k:${answer.keyId}`}/${personId}`;
      const span = this.pending.get(id);
      if (!span) {
        this.pending.set(id, { personId, keyId: answer.keyId, similarity, since: answer.at, at: answer.at, answers: 1 });
        continue;
      }
      // ISO 8601 texts of one format order as the instants they name.
      if (answer.at < span.since) span.since = answer.at;
      if (answer.at > span.at) span.at = answer.at;
      span.similarity = Math.max(span.similarity, similarity);
      span.answers += 1;
    }
    if (this.pending.size > 0 && this.timer === null) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      // A pending write never keeps the process alive on its own.
      this.timer.unref();
    }
  }

  /** Writes everything gathered so far; resolves when it (and any earlier write) has ended. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = [...this.pending.values()];
    this.pending = new Map();
    this.writing = this.writing.then(() => this.write(batch));
    return this.writing;
  }

  private async write(batch: readonly SightingObservation[]): Promise<void> {
    for (const span of batch) {
      try {
        this.onOutcome(await this.repo.record(span));
      } catch (err) {
        this.onOutcome('failed');
        this.log.warn({ err, personId: span.personId }, 'sightings: could not record a sighting; the answers were sent');
      }
    }
  }
}
