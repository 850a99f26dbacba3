/**
 * npm run bench:tracks [-- --calibrate] [--dataset lfw-dev] [--fpir 0.01]
 *
 * Tracks judged on one fused probe (lib/vision/track-fusion.ts), measured as issue 8's track
 * mode: people with >= 3 photos take turns (roles swapped over two runs) as strangers, whose
 * track is their first 3 photos, and as enrolled people (first accepted of their first two
 * photos; with 3 more photos, those are their track); everyone else with >= 2 photos is enrolled
 * as the crowd. Searches go through the product's `identify` / `identifyTrack` against an
 * in-memory gallery of one template per person (crowding as the registry computes it).
 *
 * Reads the embeddings `npm run bench:openset` caches (bench/.cache/openset-<model>-*-landmarks-plain-<dataset>.jsonl):
 * run that first. Reports, at the target FPIR:
 * - in-sample: the shipped score-level rule (judgeTrack, trackBars) and the fused probe with the
 *   shipped fused-track bars, on everyone;
 * - cross-validated: the fused-track bars fitted on one half of the people, track mode on the other;
 * - what int8 quantisation of the evidence tokens does to the fused probe.
 * The one-frame calibration (scores, crowding, runners-up, the one-frame bar) is the shipped one,
 * fitted on all of lfw-dev: its scale is shared by both halves; the bars under test are the track bars.
 *
 * --calibrate refits the fused-track bars on all of the dataset's people and writes
 * lib/vision/calibration/<model>.tracks.json. Prints JSON and appends to docs/benchmarks.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dequantize, quantize } from '../lib/server/evidence-token';
import { cosineSimilarity } from '../lib/vision/match';
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { judgeTrack, trackBars, type FrameEvidence, type PersonScore } from '../lib/vision/open-set';
import { crowdingIn, type FitPerson } from '../lib/vision/open-set-fit';
import { identify, type Gallery, type OperatingPoint } from '../lib/vision/recognize';
import { fuseEmbeddings, identifyTrack, type TrackCalibration } from '../lib/vision/track-fusion';
import { fitTrackFusion } from '../lib/vision/track-fusion-fit';
import { appendToBenchmarks } from './report';

const CALIBRATION_FILE = path.join(__dirname, '..', 'lib', 'vision', 'calibration', `${EMBEDDING_MODEL.id}.tracks.json`);

interface Photo {
  path: string;
  identity: string;
  embedding: Float32Array;
  quality: { score: number };
  enrollable: boolean;
}

/**
 * The newest embedding cache of bench:openset for this model and dataset, with the landmarks
 * the product uses (plain: bench:openset also caches a `--landmarks mirror` study variant).
 */
function loadPhotos(dataset: string): Map<string, Photo[]> {
  const dir = path.join(__dirname, '.cache');
  const suffix = `-landmarks-plain-${dataset}.jsonl`;
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith(`openset-${EMBEDDING_MODEL.id}-`) && f.endsWith(suffix)) : [];
  if (!files.length) throw new Error(`no bench/.cache/openset-${EMBEDDING_MODEL.id}-*${suffix}: run npm run bench:openset first`);
  const file = files.map((f) => path.join(dir, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  const people = new Map<string, Photo[]>();
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const p = JSON.parse(line);
    if (!p.embedding) continue;
    people.set(p.identity, [...(people.get(p.identity) ?? []), { ...p, embedding: Float32Array.from(p.embedding) }]);
  }
  for (const list of people.values()) list.sort((a, b) => (a.path < b.path ? -1 : 1));
  return people;
}

function fitPeople(people: Map<string, Photo[]>): FitPerson[] {
  return [...people].map(([identity, photos]) => ({ identity, embeddings: photos.map((p) => p.embedding), weights: photos.map((p) => p.quality.score) }));
}

/** Stable half of the people: FNV-1a of the name (as bench:openset splits them). */
function half(identity: string): 0 | 1 {
  let h = 0x811c9dc5;
  for (let i = 0; i < identity.length; i++) h = Math.imul(h ^ identity.charCodeAt(i), 0x01000193);
  return ((h >>> 0) % 2) as 0 | 1;
}

/** One template per person, searched as the registry's index searches centroids. */
function memoryGallery(entries: [string, Float32Array][], neighbours: number): Gallery {
  const vectors = entries.map(([, v]) => v);
  const crowding = vectors.map((v) => crowdingIn(v, vectors, neighbours));
  return {
    searchablePeople: () => entries.length,
    searchPeople(probe, k) {
      const all: PersonScore[] = entries.map(([id, v], i) => ({ personId: id, name: id, similarity: cosineSimilarity(probe, v), templates: 1, crowding: crowding[i] }));
      return all.sort((a, b) => b.similarity - a.similarity).slice(0, k);
    },
  };
}

interface Verdict {
  named: boolean;
  identity: string | null;
}

interface TrackModeResult {
  galleryPeople: string;
  enrolledTracks: number;
  strangerTracks: number;
  namedCorrectly: number;
  misidentified: number;
  strangerTracksNamed: number;
  strangerRate: number;
}

/** Track mode (roles swapped, pooled) for each way of judging a track. */
function trackMode<K extends string>(people: Map<string, Photo[]>, at: OperatingPoint, judges: Record<K, (g: Gallery, track: Photo[]) => Verdict>): Record<K, TrackModeResult> {
  const tallies = Object.fromEntries(Object.keys(judges).map((k) => [k, { named: 0, misidentified: 0, strangersNamed: 0 }])) as Record<string, { named: number; misidentified: number; strangersNamed: number }>;
  let enrolledTracks = 0, strangerTracks = 0;
  const sizes: number[] = [];
  for (const parity of [0, 1]) {
    const gallery: [string, Float32Array][] = [];
    const mated: Photo[][] = [];
    const strangers: Photo[][] = [];
    let turn = 0;
    for (const [identity, photos] of [...people].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (photos.length < 2) continue;
      if (photos.length >= 3 && turn++ % 2 === parity) {
        strangers.push(photos.slice(0, 3));
        continue;
      }
      const first = photos.slice(0, 2).find((p) => p.enrollable) ?? photos[0];
      gallery.push([identity, first.embedding]);
      const rest = photos.slice(photos.indexOf(first) + 1);
      if (rest.length >= 3) mated.push(rest.slice(0, 3));
    }
    const g = memoryGallery(gallery, at.calibration.crowdingNeighbours);
    sizes.push(gallery.length);
    enrolledTracks += mated.length;
    strangerTracks += strangers.length;
    for (const [name, judge] of Object.entries(judges) as [K, (g: Gallery, track: Photo[]) => Verdict][]) {
      for (const t of mated) {
        const v = judge(g, t);
        if (v.named && v.identity === t[0].identity) tallies[name].named++;
        else if (v.named) tallies[name].misidentified++;
      }
      for (const t of strangers) if (judge(g, t).named) tallies[name].strangersNamed++;
    }
  }
  return Object.fromEntries(
    Object.entries(tallies).map(([k, t]) => [
      k,
      { galleryPeople: sizes.join(' / '), enrolledTracks, strangerTracks, namedCorrectly: t.named / enrolledTracks, misidentified: t.misidentified / enrolledTracks, strangerTracksNamed: t.strangersNamed, strangerRate: t.strangersNamed / strangerTracks },
    ]),
  ) as Record<K, TrackModeResult>;
}

/** The shipped score-level rule: each frame searched, evidence weighted by quality, judged by judgeTrack. */
function scoreRule(at: OperatingPoint) {
  return (g: Gallery, track: Photo[]): Verdict => {
    const frames: FrameEvidence[] = track.map((p) => {
      const d = identify(g, p.embedding, at);
      return { candidate: d.candidate?.personId ?? null, score: d.score, weight: p.quality.score };
    });
    const v = judgeTrack(frames, trackBars(at.calibration, g.searchablePeople(), at.targetFpir));
    return { named: v?.named ?? false, identity: v?.candidate ?? null };
  };
}

/** The fused probe of the track's first `frames` photos. */
function fusedRule(at: OperatingPoint, tracks: TrackCalibration, frames: number) {
  return (g: Gallery, track: Photo[]): Verdict => {
    const d = identifyTrack(g, track.slice(0, frames).map((p) => p.embedding), at, tracks);
    return { named: d.match !== null, identity: d.match?.personId ?? null };
  };
}

/** Largest change of a fused 3-photo probe's direction when every photo goes through int8 (evidence tokens). */
function quantisationError(people: Map<string, Photo[]>): number {
  let worst = 0;
  for (const photos of people.values()) {
    if (photos.length < 3) continue;
    const exact = fuseEmbeddings(photos.slice(0, 3).map((p) => p.embedding));
    const sealed = fuseEmbeddings(photos.slice(0, 3).map((p) => dequantize(quantize(p.embedding))));
    worst = Math.max(worst, 1 - cosineSimilarity(exact, sealed));
  }
  return worst;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function main() {
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const dataset = flag('--dataset') ?? 'lfw-dev';
  const targetFpir = Number(flag('--fpir') ?? 0.01);
  const t0 = performance.now();
  const people = loadPhotos(dataset);
  const at: OperatingPoint = { calibration: EMBEDDING_MODEL.openSet, targetFpir };

  let tracks = EMBEDDING_MODEL.fusedTracks;
  if (args.includes('--calibrate')) {
    tracks = fitTrackFusion(fitPeople(people), at.calibration, {
      modelId: EMBEDDING_MODEL.id,
      source: `npm run bench:tracks -- --calibrate on ${dataset}/people.csv (${people.size} people with a face, bench:openset's embeddings), ${new Date().toISOString().slice(0, 10)}`,
    });
    fs.writeFileSync(CALIBRATION_FILE, JSON.stringify(tracks, null, 1) + '\n');
    process.stderr.write(`wrote ${CALIBRATION_FILE}\n`);
  }

  const inSample = trackMode(people, at, {
    'score-level (judgeTrack, shipped until now)': scoreRule(at),
    'fused probe, 3 frames': fusedRule(at, tracks, 3),
    'fused probe, first 2 frames': fusedRule(at, tracks, 2),
  });
  const folds = ([0, 1] as const).map((test) => {
    const fitted = fitTrackFusion(fitPeople(new Map([...people].filter(([n]) => half(n) !== test))), at.calibration, { modelId: EMBEDDING_MODEL.id, source: `half ${1 - test}` });
    const heldOut = new Map([...people].filter(([n]) => half(n) === test));
    return { fittedOn: `half ${1 - test}`, testedOn: `half ${test}`, ...trackMode(heldOut, at, { fused: fusedRule(at, fitted, 3), 'fused, 2 frames': fusedRule(at, fitted, 2) }) };
  });
  const report = {
    model: EMBEDDING_MODEL.id,
    dataset,
    targetFpir,
    calibration: tracks.source,
    inSample,
    crossValidation: folds,
    int8MaxCosineChange: quantisationError(people),
    wallSeconds: (performance.now() - t0) / 1000,
  };
  console.log(JSON.stringify(report, null, 2));

  const row = (label: string, r: TrackModeResult) =>
    `| ${label} | ${r.galleryPeople} | ${pct(r.namedCorrectly)} (${Math.round(r.namedCorrectly * r.enrolledTracks)} of ${r.enrolledTracks}) | ${pct(r.misidentified)} | ${r.strangerTracksNamed} of ${r.strangerTracks} (${(100 * r.strangerRate).toFixed(2)}%) |`;
  appendToBenchmarks(`bench/track-fusion.ts, ${dataset}/people.csv, target FPIR ${targetFpir} (tracks: ${targetFpir / 2})`, [
    `Command: \`npm run bench:tracks${args.length ? ` -- ${args.join(' ')}` : ''}\` (model \`${EMBEDDING_MODEL.id}\`; fused-track bars: ${tracks.source})`,
    '',
    '| track mode (roles swapped, pooled) | enrolled | enrolled tracks named correctly | misidentified | stranger tracks named |',
    '|---|---|---|---|---|',
    ...(Object.entries(inSample) as [string, TrackModeResult][]).map(([k, r]) => row(`in-sample: ${k}`, r)),
    ...folds.flatMap((f) => [row(`bars fitted on ${f.fittedOn}, tested on ${f.testedOn}: fused, 3 frames`, f.fused), row(`bars fitted on ${f.fittedOn}, tested on ${f.testedOn}: fused, 2 frames`, f['fused, 2 frames'])]),
    '',
    `Evidence tokens (int8 + scale): the fused 3-photo probe moves by a cosine of at most ${report.int8MaxCosineChange.toExponential(1)}. Wall time ${report.wallSeconds.toFixed(0)} s.`,
  ].join('\n'));
}

main();
