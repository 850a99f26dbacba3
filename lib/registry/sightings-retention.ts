/**
 * Retention of sightings: deletes those last seen more than the retention ago, once at start
 * and then every hour. The timer is unref'd so it never keeps a process alive, and the clock
 * is injectable so tests can move time instead of waiting.
 */
import { isRegistryError } from './registry';
import type { SightingsRepository } from './sightings';
import type { RegistryLogger } from './store';

/**
 * How often the purge runs. A sighting outlives its retention by at most this much; an hour
 * keeps that small against the default 30 days while the DELETE (indexed by last_seen_at) runs
 * 24 times a day.
 */
export const SIGHTINGS_PURGE_INTERVAL_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface SightingsRetentionOptions {
  retentionDays: number;
  log: RegistryLogger;
  /** Epoch ms now (default Date.now). */
  nowMs?: () => number;
  intervalMs?: number;
}

export interface SightingsRetention {
  /** Purges now; resolves with the rows deleted (0 after a failure, which is logged). */
  purgeNow(): Promise<number>;
  /** The purge at start. */
  readonly first: Promise<number>;
  stop(): void;
}

/** Starts the purge: one at once, then one every `intervalMs`. */
export function startSightingsRetention(repo: Pick<SightingsRepository, 'purgeBefore'>, opts: SightingsRetentionOptions): SightingsRetention {
  const nowMs = opts.nowMs ?? Date.now;
  let timer: NodeJS.Timeout | null = null;
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const purgeNow = async (): Promise<number> => {
    const cutoff = new Date(nowMs() - opts.retentionDays * DAY_MS).toISOString();
    try {
      const deleted = await repo.purgeBefore(cutoff);
      if (deleted > 0) opts.log.info({ deleted, cutoff }, 'sightings: purged those older than the retention');
      return deleted;
    } catch (err) {
      // A closed registry (shutdown) ends the schedule; anything else is retried next time.
      if (isRegistryError(err) && err.code === 'closed') stop();
      else opts.log.warn({ err }, 'sightings: purge failed; retrying at the next interval');
      return 0;
    }
  };
  timer = setInterval(() => void purgeNow(), opts.intervalMs ?? SIGHTINGS_PURGE_INTERVAL_MS);
  timer.unref();
  return { purgeNow, first: purgeNow(), stop };
}
