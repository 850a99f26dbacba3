/**
 * Writes the sightings of one recognition answer (FACEREC_SIGHTINGS), after the answer is
 * computed and off its path: the route does not wait for it, and a failure is counted and
 * logged, never answered. Only named faces are written; unknown faces are counted by
 * facerec_faces_total, never stored.
 */
import type { SightingsRepository } from '@/lib/registry/sightings';

export interface NamedFace {
  match: { personId: string; similarity: number } | null;
}

export interface RecordContext {
  /** The caller's key id (null: public recognition without a key). */
  keyId: string | null;
  /** When the answer was computed, ISO 8601 UTC with milliseconds. */
  at: string;
  onOutcome: (outcome: 'new' | 'extended' | 'gone' | 'failed') => void;
  log: { warn(obj: object, msg?: string): void };
}

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

/**
 * Starts writing on the next turn of the event loop, so the answer is handed to the response
 * first; resolves when every write has ended (tests wait for it; the route does not).
 */
export function recordSightings(repo: Pick<SightingsRepository, 'record'>, faces: readonly NamedFace[], ctx: RecordContext): Promise<void> {
  const people = namedPeople(faces);
  if (people.size === 0) return Promise.resolve();
  return new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
    for (const [personId, similarity] of people) {
      try {
        ctx.onOutcome(await repo.record({ personId, keyId: ctx.keyId, similarity, at: ctx.at }));
      } catch (err) {
        ctx.onOutcome('failed');
        ctx.log.warn({ err, personId }, 'sightings: could not record a sighting; the answer was sent');
      }
    }
  });
}
