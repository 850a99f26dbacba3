/**
 * Issue 8's track mode on bench:openset's cached embeddings, shared by bench/track-fusion.ts
 * and bench/track-fusion-study.ts: which cache (landmark variant), what a gallery person's
 * enrolled photo becomes (template variant), the halves of the people, and the track mode itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cosineSimilarity } from '../lib/vision/match';
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { centroid, crowdingIn, type FitPerson } from '../lib/vision/open-set-fit';
import { DEFAULT_ANALYZE_OPTIONS } from '../lib/vision/pipeline';
import type { PersonScore } from '../lib/vision/open-set';
import type { Gallery } from '../lib/vision/recognize';
import { ENROLLMENT_ANALYSIS } from '../lib/vision/register';

export interface Photo {
  path: string;
  identity: string;
  /** What a search sees: the photo's embedding. */
  embedding: Float32Array;
  /** What enrollment makes of the photo: its jittered template, or the embedding itself (`Variant`). */
  template: Float32Array;
  quality: { score: number };
  enrollable: boolean;
}

/** The evidence variants of docs/models.md "Per-frame evidence", as bench:openset names them. */
export interface Variant {
  landmarks: 'plain' | 'mirror';
  templates: 'plain' | 'jittered';
}

/** What the product ships: the default of `--landmarks` and `--templates`. */
export const PRODUCT_VARIANT: Variant = {
  landmarks: DEFAULT_ANALYZE_OPTIONS.mirrorLandmarks ? 'mirror' : 'plain',
  templates: ENROLLMENT_ANALYSIS.templateJitters?.length ? 'jittered' : 'plain',
};

export function variantFrom(flag: (name: string) => string | undefined): Variant {
  const landmarks = flag('--landmarks') ?? PRODUCT_VARIANT.landmarks;
  const templates = flag('--templates') ?? PRODUCT_VARIANT.templates;
  if (landmarks !== 'plain' && landmarks !== 'mirror') throw new Error(`--landmarks plain|mirror, not ${landmarks}`);
  if (templates !== 'plain' && templates !== 'jittered') throw new Error(`--templates plain|jittered, not ${templates}`);
  return { landmarks, templates };
}

/**
 * The newest embedding cache of bench:openset for this model, dataset and landmark variant
 * (bench/.cache/openset-<model>-<gate>-landmarks-<plain|mirror>-<dataset>.jsonl; every line
 * carries the jittered `template` beside the `embedding`).
 */
export function loadPhotos(dataset: string, variant: Variant): Map<string, Photo[]> {
  const dir = path.join(__dirname, '.cache');
  const suffix = `-landmarks-${variant.landmarks}-${dataset}.jsonl`;
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(`openset-${EMBEDDING_MODEL.id}-`) && f.endsWith(suffix)) : [];
  if (!files.length) throw new Error(`no bench/.cache/openset-${EMBEDDING_MODEL.id}-*${suffix}: run npm run bench:openset -- --landmarks ${variant.landmarks} first`);
  const file = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  const people = new Map<string, Photo[]>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const p = JSON.parse(line);
    if (!p.embedding) continue;
    if (variant.templates === 'jittered' && !p.template) throw new Error(`${file}: ${p.path} has no jittered template`);
    const embedding = Float32Array.from(p.embedding);
    const template = variant.templates === 'jittered' ? Float32Array.from(p.template) : embedding;
    people.set(p.identity, [...(people.get(p.identity) ?? []), { ...p, embedding, template }]);
  }
  for (const list of people.values()) list.sort((a, b) => (a.path < b.path ? -1 : 1));
  return people;
}

/** The people as the fits take them: searches with embeddings, galleries enrolled with the templates of photos the gate accepted. */
export function fitPeople(people: Map<string, Photo[]>): FitPerson[] {
  return [...people].map(([identity, photos]) => ({
    identity,
    embeddings: photos.map((p) => p.embedding),
    templates: photos.map((p) => p.template),
    weights: photos.map((p) => p.quality.score),
    enrollable: photos.map((p) => p.enrollable),
  }));
}

/**
 * Stable half of the people: FNV-1a of the name (split 0), or of the name salted with the split
 * number and mixed (FNV-1a's lowest bit is the parity of the characters' lowest bits, so a salt
 * alone would give the same halves or their swap).
 */
export function half(identity: string, split = 0): 0 | 1 {
  const key = split ? `${split}:${identity}` : identity;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  if (split) {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
  }
  return ((h >>> 0) % 2) as 0 | 1;
}

export function peopleOfHalf(people: Map<string, Photo[]>, which: 0 | 1): Map<string, Photo[]> {
  return new Map([...people].filter(([n]) => half(n) === which));
}

/**
 * People searched as the registry's index searches them: each entry a person's centroid, with
 * the number of templates it was made of (1 where not given).
 */
export function memoryGallery(entries: [string, Float32Array, number?][], neighbours: number): Gallery {
  const vectors = entries.map(([, v]) => v);
  const crowding = vectors.map((v) => crowdingIn(v, vectors, neighbours));
  return {
    searchablePeople: () => entries.length,
    searchPeople(probe, k) {
      const all: PersonScore[] = entries.map(([id, v, templates], i) => ({ personId: id, name: id, similarity: cosineSimilarity(probe, v), templates: templates ?? 1, crowding: crowding[i] }));
      return all.sort((a, b) => b.similarity - a.similarity).slice(0, k);
    },
  };
}

export interface Verdict {
  named: boolean;
  identity: string | null;
}

export type Judge = (g: Gallery, track: Photo[]) => Verdict;

/** One run of track mode: the gallery, its people's tracks, and strangers' tracks. */
export interface TrackRun {
  gallery: Gallery;
  /** Enrolled people's tracks (3 photos after the enrolled one). */
  mated: Photo[][];
  /** Strangers' tracks (their first 3 photos). */
  strangers: Photo[][];
  /** The (first) photo each gallery person is enrolled with, by identity. */
  enrolled: Map<string, Photo>;
}

/**
 * The two runs of track mode (roles swapped): people with >= 3 photos take turns as strangers,
 * whose track is their first 3 photos, and as enrolled people (first accepted of their first two
 * photos, enrolled as its template; with 3 more photos, those are their track); everyone else
 * with >= 2 photos is enrolled as the crowd. With `enrolledPhotos` > 1 (not issue 8's protocol:
 * a person enrolled as the guided registration enrolls them) each enrolled person takes up to
 * that many photos the gate accepts, in order, as the centroid of their templates, and their
 * track is the 3 photos after the last one taken.
 */
export function trackRuns(people: Map<string, Photo[]>, neighbours: number, enrolledPhotos = 1): TrackRun[] {
  return ([0, 1] as const).map((parity) => {
    const gallery: [string, Float32Array, number][] = [];
    const mated: Photo[][] = [];
    const strangers: Photo[][] = [];
    const enrolled = new Map<string, Photo>();
    let turn = 0;
    for (const [identity, photos] of [...people].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (photos.length < 2) continue;
      if (photos.length >= 3 && turn++ % 2 === parity) {
        strangers.push(photos.slice(0, 3));
        continue;
      }
      const first = photos.slice(0, 2).find((p) => p.enrollable) ?? photos[0];
      const taken = [first];
      for (let i = photos.indexOf(first) + 1; i < photos.length && taken.length < enrolledPhotos; i++) if (photos[i].enrollable) taken.push(photos[i]);
      gallery.push([identity, taken.length === 1 ? first.template : centroid(taken.map((p) => p.template)), taken.length]);
      enrolled.set(identity, first);
      const rest = photos.slice(photos.indexOf(taken[taken.length - 1]) + 1);
      if (rest.length >= 3) mated.push(rest.slice(0, 3));
    }
    return { gallery: memoryGallery(gallery, neighbours), mated, strangers, enrolled };
  });
}

export interface TrackModeResult {
  galleryPeople: string;
  enrolledTracks: number;
  strangerTracks: number;
  namedCorrectly: number;
  misidentified: number;
  strangerTracksNamed: number;
  strangerRate: number;
}

/** Track mode (roles swapped, pooled) for each way of judging a track. */
export function trackMode<K extends string>(runs: TrackRun[], judges: Record<K, Judge>): Record<K, TrackModeResult> {
  const out = {} as Record<K, TrackModeResult>;
  const enrolledTracks = runs.reduce((s, r) => s + r.mated.length, 0);
  const strangerTracks = runs.reduce((s, r) => s + r.strangers.length, 0);
  for (const [name, judge] of Object.entries(judges) as [K, Judge][]) {
    let named = 0, misidentified = 0, strangersNamed = 0;
    for (const { gallery, mated, strangers } of runs) {
      for (const t of mated) {
        const v = judge(gallery, t);
        if (v.named && v.identity === t[0].identity) named++;
        else if (v.named) misidentified++;
      }
      for (const t of strangers) if (judge(gallery, t).named) strangersNamed++;
    }
    out[name] = {
      galleryPeople: runs.map((r) => r.gallery.searchablePeople()).join(' / '),
      enrolledTracks,
      strangerTracks,
      namedCorrectly: named / enrolledTracks,
      misidentified: misidentified / enrolledTracks,
      strangerTracksNamed: strangersNamed,
      strangerRate: strangersNamed / strangerTracks,
    };
  }
  return out;
}
