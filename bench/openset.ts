/**
 * npm run bench:openset [-- --dataset DIR] [--calibrate] [--fpir 0.01] [--cv-splits 1]
 *   [--landmarks plain|mirror] [--templates plain|jittered] [--weights-study]
 *
 * Open-set identification as a user meets it, on `lfw-dev/people.csv` (protocol in that
 * folder's README): gallery people (>= 2 photos) enroll their first photo that the product's
 * enrollment gate accepts (at most 2 tried), up to 3 following photos are mated searches; people
 * with one photo are strangers. Every image goes through the product's pipeline (worker pool)
 * once, cached per model under bench/.cache; enrollment and search run through a real registry
 * (SQLite in a temporary folder) and the product's `identify`, at the shipped operating point.
 *
 * Reports: TPIR (mated searches named correctly), misidentification and FPIR (strangers named)
 * at the shipped default; FNIR at FPIR 1% and 0.1% (thresholds from the strangers' scores, as a
 * curve) for the whole gallery and for 100 people, with 1 and 3 enrolled photos (people with
 * >= 5 photos), for the shipped rule and the simpler rules it replaced; tracks of 3 photos
 * (strangers: people with >= 3 photos left out of the gallery); how many gallery people the
 * enrollment gate accepted on the first or second photo; and a cross-validation of the
 * calibration (fitted on one half of the people, checked on the other).
 *
 * --calibrate refits the calibration on all of the dataset's people and writes the JSON the
 * model ships with (lib/vision/calibration/). Prints JSON and appends to docs/benchmarks.md.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry } from '../lib/registry';
import type { Registry } from '../lib/registry/registry';
import { cosineSimilarity, thresholdAtFmr } from '../lib/vision/match';
import { EMBEDDING_MODEL } from '../lib/vision/models';
import { judgeTrack, rankCandidates, trackBars, type FrameEvidence, type OpenSetCalibration, type PersonScore } from '../lib/vision/open-set';
import { centroid, crowdingIn, fitOpenSet, type FitPerson } from '../lib/vision/open-set-fit';
import { InferencePool } from '../lib/vision/pool';
import { identify, type OperatingPoint } from '../lib/vision/recognize';
import { ENROLLMENT_QUALITY } from '../lib/vision/quality';
import { DEFAULT_ANALYZE_OPTIONS } from '../lib/vision/pipeline';
import { ENROLLMENT_ANALYSIS, judgeEnrollment, SUBJECT_RULE, TEMPLATE_JITTERS } from '../lib/vision/register';
import type { FaceQuality } from '../lib/vision/types';
import { appendToBenchmarks, DATASETS_DIR } from './report';
import { half } from './track-mode';

/** The calibration the model ships with (imported by lib/vision/models.ts). */
const CALIBRATION_FILE = path.join(__dirname, '..', 'lib', 'vision', 'calibration', `${EMBEDDING_MODEL.id}.openset.json`);

/**
 * Bump when the analysis itself changes (pose estimate, quality measures, what detection finds:
 * 4 = the second look's shape check, which adds background faces the gate counts) without a new model id.
 */
const ANALYSIS_VERSION = 4;

/**
 * What the gallery and the searches are made with: the product's settings unless overridden
 * (`--landmarks plain|mirror`, `--templates plain|jittered`), so variants can be compared.
 * Each landmark variant has its own cache; the jittered template is always computed and cached.
 */
interface Variant {
  mirrorLandmarks: boolean;
  jitteredTemplates: boolean;
}

interface Photo {
  path: string;
  identity: string;
  /** Largest face's flip-averaged embedding, or null when no face was found: what a search uses. */
  embedding: Float32Array | null;
  /** What the photo becomes when enrolled: the jittered template or the embedding itself (`Variant`). */
  template: Float32Array | null;
  quality: FaceQuality | null;
  /** The enrollment gate's verdict on the photo. */
  enrollable: boolean;
  refusedFor: string[];
}

// ---- analysis, cached ----

async function analysePhotos(root: string, rows: { path: string; identity: string }[], variant: Variant): Promise<Photo[]> {
  const cacheDir = path.join(__dirname, '.cache');
  const options = { ...ENROLLMENT_ANALYSIS, mirrorLandmarks: variant.mirrorLandmarks, templateJitters: TEMPLATE_JITTERS };
  // The verdicts depend on the gate as much as on the model: both name the cache.
  const gate = createHash('sha256').update(JSON.stringify({ ENROLLMENT_QUALITY, SUBJECT_RULE, ANALYSIS_VERSION, TEMPLATE_JITTERS })).digest('hex').slice(0, 8);
  const landmarks = variant.mirrorLandmarks ? 'mirror' : 'plain';
  const cacheFile = path.join(cacheDir, `openset-${EMBEDDING_MODEL.id}-${gate}-landmarks-${landmarks}-${path.basename(root)}.jsonl`);
  const cached = new Map<string, Photo>();
  const toVector = (v: number[] | null) => (v ? Float32Array.from(v) : null);
  if (fs.existsSync(cacheFile)) {
    for (const line of fs.readFileSync(cacheFile, 'utf8').split('\n')) {
      if (!line) continue;
      const p = JSON.parse(line);
      cached.set(p.path, { ...p, embedding: toVector(p.embedding), template: toVector(p.template) });
    }
  }
  const todo = rows.filter((r) => !cached.has(r.path));
  if (todo.length) {
    fs.mkdirSync(cacheDir, { recursive: true });
    const out = fs.createWriteStream(cacheFile, { flags: 'a' });
    const pool = new InferencePool({ maxQueue: Number.POSITIVE_INFINITY });
    await pool.warmup();
    let next = 0, done = 0;
    await Promise.all(Array.from({ length: pool.threads * 2 }, async () => {
      while (next < todo.length) {
        const row = todo[next++];
        const analysis = await pool.analyze(fs.readFileSync(path.join(root, row.path)), options);
        const verdict = judgeEnrollment(analysis);
        const main = analysis.faces[0];
        const photo: Photo = {
          ...row,
          embedding: main ? main.embedding : null,
          template: main?.template ?? null,
          quality: main ? main.quality : null,
          enrollable: verdict.accepted,
          refusedFor: verdict.accepted ? [] : verdict.reasons,
        };
        cached.set(row.path, photo);
        const toList = (v: Float32Array | null) => (v ? Array.from(v) : null);
        out.write(JSON.stringify({ ...photo, embedding: toList(photo.embedding), template: toList(photo.template) }) + '\n');
        if (++done % 500 === 0) process.stderr.write(`analysed ${done}/${todo.length}\n`);
      }
    }));
    out.end();
    await pool.dispose();
  }
  return rows.map((r) => {
    const p = cached.get(r.path)!;
    return { ...p, template: variant.jitteredTemplates ? p.template : p.embedding };
  });
}

// ---- the protocol ----

interface Protocol {
  /** Enrolled photos per gallery person. */
  gallery: Map<string, Photo[]>;
  mated: Photo[];
  strangers: Photo[];
  /** Gallery people whose first or second photo the gate accepted, of those who had any face. */
  enrollment: { people: number; acceptedFirst: number; acceptedSecond: number; refusals: Record<string, number> };
}

function byIdentity(photos: Photo[]): Map<string, Photo[]> {
  const by = new Map<string, Photo[]>();
  for (const p of photos) by.set(p.identity, [...(by.get(p.identity) ?? []), p]);
  for (const list of by.values()) list.sort((a, b) => (a.path < b.path ? -1 : 1));
  return by;
}

/**
 * README protocol with `enrolled` photos per person: the first accepted photos (each template
 * may take a second try), the next 3 photos with a face as mated searches. `minPhotos` picks
 * the people; `strangersFrom` decides who are strangers (default: people with one photo).
 */
function buildProtocol(people: Map<string, Photo[]>, enrolled: number, minPhotos: number): Protocol {
  const gallery = new Map<string, Photo[]>();
  const mated: Photo[] = [];
  const strangers: Photo[] = [];
  const enrollment = { people: 0, acceptedFirst: 0, acceptedSecond: 0, refusals: {} as Record<string, number> };
  for (const [identity, photos] of people) {
    if (photos.length === 1) {
      if (photos[0].embedding) strangers.push(photos[0]);
      continue;
    }
    if (photos.length < minPhotos) continue;
    const templates: Photo[] = [];
    let i = 0;
    for (let t = 0; t < enrolled; t++) {
      // Each template: the next photo, or the one after if the gate refuses it.
      for (let attempt = 0; attempt < 2 && i < photos.length; attempt++, i++) {
        const photo = photos[i];
        if (t === 0) {
          if (attempt === 0) enrollment.people++;
          for (const r of photo.refusedFor) enrollment.refusals[r] = (enrollment.refusals[r] ?? 0) + 1;
        }
        if (photo.enrollable) {
          templates.push(photo);
          if (t === 0) enrollment[attempt === 0 ? 'acceptedFirst' : 'acceptedSecond']++;
          i++;
          break;
        }
      }
    }
    if (templates.length < enrolled) continue;
    gallery.set(identity, templates);
    mated.push(...photos.slice(i).filter((p) => p.embedding).slice(0, 3));
  }
  return { gallery, mated, strangers, enrollment };
}

function subset(protocol: Protocol, people: number, seed: number): Protocol {
  const names = [...protocol.gallery.keys()].sort();
  let a = seed;
  const random = () => ((a = (a * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = names.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [names[i], names[j]] = [names[j], names[i]];
  }
  const kept = new Set(names.slice(0, people));
  return { ...protocol, gallery: new Map([...protocol.gallery].filter(([n]) => kept.has(n))), mated: protocol.mated.filter((p) => kept.has(p.identity)) };
}

// ---- searching through the product ----

async function enroll(gallery: Map<string, Photo[]>): Promise<{ registry: Registry; idOf: Map<string, string>; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facerec-openset-'));
  const registry = await createRegistry({ dataDir: dir, modelId: EMBEDDING_MODEL.id, dim: EMBEDDING_MODEL.dim });
  const idOf = new Map<string, string>();
  for (const [identity, photos] of gallery) {
    const { person } = await registry.addPerson({ name: identity }, photos.map((p) => ({ embedding: p.template!, modelId: EMBEDDING_MODEL.id, quality: p.quality!.score, source: 'api' as const })));
    idOf.set(identity, person.id);
  }
  return { registry, idOf, dir };
}

async function closeRegistry(r: { registry: Registry; dir: string }): Promise<void> {
  await r.registry.close();
  fs.rmSync(r.dir, { recursive: true, force: true });
}

interface Outcome {
  /** Identity of the best candidate (or null) and its decision score. */
  candidate: string | null;
  score: number;
  named: boolean;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** Shipped-rule searches through the registry at the operating point. */
function searchAll(registry: Registry, nameOf: Map<string, string>, photos: Photo[], at: OperatingPoint): Outcome[] {
  return photos.map((p) => {
    const d = identify(registry, p.embedding!, at);
    return { candidate: d.candidate ? nameOf.get(d.candidate.personId)! : null, score: d.score, named: d.match !== null };
  });
}

/** TPIR, misidentification, FPIR at the decisions made. */
function rates(mated: Photo[], matedOut: Outcome[], strangerOut: Outcome[]) {
  const tpir = matedOut.filter((o, i) => o.named && o.candidate === mated[i].identity).length / mated.length;
  const mis = matedOut.filter((o, i) => o.named && o.candidate !== mated[i].identity).length / mated.length;
  const fpir = strangerOut.filter((o) => o.named).length / strangerOut.length;
  return { tpir, misidentification: mis, fpir };
}

/** FNIR (mated not named correctly) at the threshold that names a share `fpir` of strangers. */
function fnirAt(mated: Photo[], matedOut: Outcome[], strangerOut: Outcome[], fpir: number): number {
  const t = thresholdAtFmr(strangerOut.map((o) => o.score), fpir);
  return 1 - matedOut.filter((o, i) => o.score >= t && o.candidate === mated[i].identity).length / mated.length;
}

/** The rules compared: the shipped one, and the simpler ones it replaced (scored in memory). */
type Rule = 'best template' | 'centroid' | '+ normalised by template count' | '+ crowding' | 'shipped (+ runners-up)';
const RULES: Rule[] = ['best template', 'centroid', '+ normalised by template count', '+ crowding', 'shipped (+ runners-up)'];

function scoreByRule(rule: Rule, gallery: Map<string, Photo[]>, cal: OpenSetCalibration, photos: Photo[]): Outcome[] {
  const people = [...gallery].map(([identity, ps]) => ({ identity, templates: ps.map((p) => p.template!), centre: centroid(ps.map((p) => p.template!)), crowding: null as number | null }));
  const centres = people.map((p) => p.centre);
  if (rule === '+ crowding' || rule.startsWith('shipped')) for (const p of people) p.crowding = crowdingIn(p.centre, centres, cal.crowdingNeighbours);
  const variant: OpenSetCalibration = {
    ...cal,
    crowdingWeight: rule === '+ crowding' || rule.startsWith('shipped') ? cal.crowdingWeight : 0,
    runnerUpWeight: rule.startsWith('shipped') ? cal.runnerUpWeight : 0,
  };
  return photos.map((probe) => {
    const e = probe.embedding!;
    if (rule === 'best template') {
      let best: { identity: string; s: number } = { identity: '', s: -Infinity };
      for (const p of people) for (const t of p.templates) { const s = cosineSimilarity(e, t); if (s > best.s) best = { identity: p.identity, s }; }
      return { candidate: best.identity, score: best.s, named: false };
    }
    const candidates: PersonScore[] = people.map((p) => ({ personId: p.identity, name: p.identity, similarity: cosineSimilarity(e, p.centre), templates: p.templates.length, crowding: p.crowding }));
    const [best] = rankCandidates(variant, candidates);
    if (rule === 'centroid') {
      const raw = candidates.reduce((a, b) => (b.similarity > a.similarity ? b : a));
      return { candidate: raw.personId, score: raw.similarity, named: false };
    }
    return { candidate: best.person.personId, score: best.score, named: false };
  });
}

function curves(label: string, protocol: Protocol, cal: OpenSetCalibration) {
  return RULES.map((rule) => {
    const m = scoreByRule(rule, protocol.gallery, cal, protocol.mated);
    const s = scoreByRule(rule, protocol.gallery, cal, protocol.strangers);
    return { setting: label, rule, people: protocol.gallery.size, mated: protocol.mated.length, strangers: protocol.strangers.length, fnirAtFpir1e2: fnirAt(protocol.mated, m, s, 1e-2), fnirAtFpir1e3: fnirAt(protocol.mated, m, s, 1e-3) };
  });
}

// ---- tracks ----

/**
 * Tracks of 3 photos, as the issue's protocol asks: people with >= 3 photos alternate between
 * left out (their first 3 photos are a stranger's track) and enrolled (first accepted of their
 * first two photos; with >= 4 photos, the next 3 are their track); everyone else with >= 2 photos
 * is enrolled too, as the crowd a stranger may be taken for. Run twice with the roles swapped and
 * pooled, so every such person is a stranger once (about twice the tracks of one run).
 */
async function trackMode(people: Map<string, Photo[]>, at: OperatingPoint) {
  const runs = [];
  for (const parity of [0, 1]) {
    const gallery = new Map<string, Photo[]>();
    const matedTracks: Photo[][] = [];
    const strangerTracks: Photo[][] = [];
    let turn = 0;
    for (const [identity, photos] of [...people].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const withFace = photos.filter((p) => p.embedding);
      if (withFace.length < 2) continue;
      if (withFace.length >= 3 && turn++ % 2 === parity) {
        strangerTracks.push(withFace.slice(0, 3));
        continue;
      }
      const first = withFace.slice(0, 2).find((p) => p.enrollable) ?? withFace[0];
      gallery.set(identity, [first]);
      const rest = withFace.slice(withFace.indexOf(first) + 1);
      if (rest.length >= 3) matedTracks.push(rest.slice(0, 3));
    }
    const r = await enroll(gallery);
    const nameOf = new Map([...r.idOf].map(([n, id]) => [id, n]));
    const bars = trackBars(at.calibration, r.registry.searchablePeople(), at.targetFpir);
    const judge = (track: Photo[]) => {
      const decisions = track.map((p) => identify(r.registry, p.embedding!, at));
      const frames: FrameEvidence[] = decisions.map((d, i) => ({ candidate: d.candidate?.personId ?? null, score: d.score, weight: track[i].quality!.score }));
      const verdict = judgeTrack(frames, bars);
      const leaderFrameNamed = verdict !== null && frames.some((f) => f.candidate === verdict.candidate && f.score >= bars[0]);
      const evidenceCleared = verdict !== null && verdict.score >= verdict.bar;
      return { named: verdict?.named ?? false, identity: verdict ? nameOf.get(verdict.candidate) : undefined, anyFrameNamed: decisions.some((d) => d.match), leaderFrameNamed, evidenceCleared };
    };
    runs.push({ people: gallery.size, mated: matedTracks.map((t) => ({ ...judge(t), truth: t[0].identity })), strangers: strangerTracks.map(judge) });
    await closeRegistry(r);
  }
  const mated = runs.flatMap((r) => r.mated);
  const strangers = runs.flatMap((r) => r.strangers);
  return {
    galleryPeople: runs.map((r) => r.people).join(' / '),
    matedTracks: mated.length,
    strangerTracks: strangers.length,
    matedNamedCorrectly: mated.filter((m) => m.named && m.identity === m.truth).length / mated.length,
    matedMisidentified: mated.filter((m) => m.named && m.identity !== m.truth).length / mated.length,
    strangerTracksNamed: strangers.filter((s) => s.named).length / strangers.length,
    // For comparison: a track named as soon as any one of its frames is.
    strangerTracksNamedByAnyFrame: strangers.filter((s) => s.anyFrameNamed).length / strangers.length,
    // Why enrolled tracks were not named correctly (counts): the rule's two conditions, and the leader.
    matedLost: {
      wrongLeader: mated.filter((m) => !(m.named && m.identity === m.truth) && m.identity !== m.truth).length,
      evidenceShortWithFrame: mated.filter((m) => m.identity === m.truth && !m.evidenceCleared && m.leaderFrameNamed).length,
      evidenceShortNoFrame: mated.filter((m) => m.identity === m.truth && !m.evidenceCleared && !m.leaderFrameNamed).length,
      noFrameOnly: mated.filter((m) => m.identity === m.truth && m.evidenceCleared && !m.leaderFrameNamed).length,
    },
  };
}

// ---- calibration ----

function fitPeople(people: Map<string, Photo[]>, keep: (identity: string) => boolean): FitPerson[] {
  return [...people]
    .filter(([identity]) => keep(identity))
    .map(([identity, photos]) => {
      const withFace = photos.filter((p) => p.embedding);
      return {
        identity,
        embeddings: withFace.map((p) => p.embedding!),
        templates: withFace.map((p) => p.template!),
        weights: withFace.map((p) => p.quality!.score),
        // Simulated galleries enroll only what the gate accepts, as the product's do.
        enrollable: withFace.map((p) => p.enrollable),
      };
    })
    .filter((p) => p.embeddings.length > 0);
}

/**
 * Calibration fitted on one half of the people, searched with the other, both ways, for
 * `splits` different halvings (`--cv-splits`, default 1): where the bar lands on ~1400
 * strangers moves TPIR by a few points, so comparing variants wants several splits.
 */
async function crossValidate(people: Map<string, Photo[]>, targetFpir: number, splits: number) {
  const folds = [];
  for (let split = 0; split < splits; split++) {
    const name = (h: number) => `${split ? `split ${split} ` : ''}half ${h}`;
    for (const test of [0, 1] as const) {
      const calibration = fitOpenSet(fitPeople(people, (n) => half(n, split) !== test), { modelId: EMBEDDING_MODEL.id, source: `${name(1 - test)} of the dataset` });
      const heldOut = new Map([...people].filter(([n]) => half(n, split) === test));
      const protocol = buildProtocol(heldOut, 1, 2);
      const at = { calibration, targetFpir };
      const r = await enroll(protocol.gallery);
      const nameOf = new Map([...r.idOf].map(([n, id]) => [id, n]));
      const mated = searchAll(r.registry, nameOf, protocol.mated, at), strangers = searchAll(r.registry, nameOf, protocol.strangers, at);
      // Beside the shipped point, the curve on this half: FNIR where its own strangers' FPIR is 1%,
      // which separates the evidence from how well the other half's calibration carries over.
      folds.push({ fittedOn: name(1 - test), testedOn: name(test), people: protocol.gallery.size, ...rates(protocol.mated, mated, strangers), fnirAtFpir1e2: fnirAt(protocol.mated, mated, strangers, 1e-2) });
      await closeRegistry(r);
    }
  }
  return folds;
}

// ---- the rule's weights, re-chosen ----

/**
 * `--weights-study`: are the rule's weights (runners-up, crowding) still the right ones for
 * today's embeddings? For each halving of the people, the weights that give the lowest FNIR at
 * FPIR 1% on one half's own curve (one photo enrolled) are chosen from a grid, then scored on
 * the other half against the shipped weights. Weights worth changing help the other half too.
 */
function weightsStudy(people: Map<string, Photo[]>, cal: OpenSetCalibration, splits: number) {
  const grid = [0, 0.15, 0.3, 0.45, 0.6];
  const fnir = (protocol: Protocol, runnerUpWeight: number, crowdingWeight: number) => {
    const variant = { ...cal, runnerUpWeight, crowdingWeight };
    const m = scoreByRule('shipped (+ runners-up)', protocol.gallery, variant, protocol.mated);
    const st = scoreByRule('shipped (+ runners-up)', protocol.gallery, variant, protocol.strangers);
    return fnirAt(protocol.mated, m, st, 1e-2);
  };
  const rows = [];
  for (let split = 0; split < splits; split++) {
    const halves = ([0, 1] as const).map((h) => buildProtocol(new Map([...people].filter(([n]) => half(n, split) === h)), 1, 2));
    for (const chooseOn of [0, 1] as const) {
      let best = { runnerUpWeight: cal.runnerUpWeight, crowdingWeight: cal.crowdingWeight, fnir: Infinity };
      for (const r of grid) for (const c of grid) {
        const f = fnir(halves[chooseOn], r, c);
        if (f < best.fnir - 1e-12) best = { runnerUpWeight: r, crowdingWeight: c, fnir: f };
      }
      const other = halves[1 - chooseOn];
      rows.push({
        split, chosenOn: chooseOn, ...best,
        shippedOnOther: fnir(other, cal.runnerUpWeight, cal.crowdingWeight),
        chosenOnOther: fnir(other, best.runnerUpWeight, best.crowdingWeight),
      });
    }
  }
  return rows;
}

// ---- main ----

async function main() {
  const args = process.argv.slice(2);
  const flag = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const root = path.resolve(flag('--dataset') ?? path.join(DATASETS_DIR, 'lfw-dev'));
  const targetFpir = Number(flag('--fpir') ?? 0.01);
  const variant: Variant = {
    mirrorLandmarks: (flag('--landmarks') ?? (DEFAULT_ANALYZE_OPTIONS.mirrorLandmarks ? 'mirror' : 'plain')) === 'mirror',
    jitteredTemplates: (flag('--templates') ?? (ENROLLMENT_ANALYSIS.templateJitters?.length ? 'jittered' : 'plain')) === 'jittered',
  };
  const rows = fs.readFileSync(path.join(root, 'people.csv'), 'utf8').split(/\r?\n/).slice(1).filter(Boolean).map((l) => {
    const [p, identity] = l.split(',');
    return { path: p, identity };
  });
  const t0 = performance.now();
  const photos = await analysePhotos(root, rows, variant);
  const people = byIdentity(photos);

  let calibration = EMBEDDING_MODEL.openSet;
  if (args.includes('--calibrate')) {
    calibration = fitOpenSet(fitPeople(people, () => true), {
      modelId: EMBEDDING_MODEL.id,
      source: `npm run bench:openset -- --calibrate on ${path.basename(root)}/people.csv (${people.size} people, ${photos.length} photos), ${new Date().toISOString().slice(0, 10)}`,
    });
    fs.writeFileSync(CALIBRATION_FILE, JSON.stringify(calibration, null, 1) + '\n');
    process.stderr.write(`wrote ${CALIBRATION_FILE}\n`);
  }
  const at: OperatingPoint = { calibration, targetFpir };

  if (args.includes('--weights-study')) {
    const rows = weightsStudy(people, calibration, Number(flag('--cv-splits') ?? 4));
    console.log(JSON.stringify(rows, null, 2));
    appendToBenchmarks(`bench:openset --weights-study, ${path.basename(root)}/people.csv`, [
      `Command: \`npm run bench:openset -- ${args.join(' ')}\` (landmarks ${variant.mirrorLandmarks ? 'mirrored' : 'plain'}, templates ${variant.jitteredTemplates ? 'jittered' : 'plain'}; shipped weights: runners-up ${calibration.runnerUpWeight}, crowding ${calibration.crowdingWeight}). Weights chosen on one half (lowest FNIR at FPIR 1% on its own curve, one photo enrolled), scored on the other half:`,
      '',
      '| split | chosen on half | runners-up | crowding | FNIR there | other half: shipped weights | other half: chosen weights |',
      '|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.split} | ${r.chosenOn} | ${r.runnerUpWeight} | ${r.crowdingWeight} | ${pct(r.fnir)} | ${pct(r.shippedOnOther)} | ${pct(r.chosenOnOther)} |`),
    ].join('\n'));
    return;
  }

  const one = buildProtocol(people, 1, 2);
  const r = await enroll(one.gallery);
  const nameOf = new Map([...r.idOf].map(([n, id]) => [id, n]));
  const shipped = rates(one.mated, searchAll(r.registry, nameOf, one.mated, at), searchAll(r.registry, nameOf, one.strangers, at));
  // Before: the best template's cosine against the 1:1 threshold (FMR 1e-3), as recognition decided until now.
  const oldRule = (ps: Photo[]) => scoreByRule('best template', one.gallery, calibration, ps).map((o) => ({ ...o, named: o.score >= EMBEDDING_MODEL.threshold }));
  const before = rates(one.mated, oldRule(one.mated), oldRule(one.strangers));
  await closeRegistry(r);

  const fivePlus = buildProtocol(people, 1, 5);
  const three = buildProtocol(people, 3, 5);
  const threeRun = await enroll(three.gallery);
  const threeNames = new Map([...threeRun.idOf].map(([n, id]) => [id, n]));
  const shippedThree = rates(three.mated, searchAll(threeRun.registry, threeNames, three.mated, at), searchAll(threeRun.registry, threeNames, three.strangers, at));
  await closeRegistry(threeRun);

  const report = {
    model: EMBEDDING_MODEL.id,
    variant,
    dataset: root,
    targetFpir,
    calibration: calibration.source,
    photos: photos.length,
    facesFound: photos.filter((p) => p.embedding).length,
    enrollment: { ...one.enrollment, acceptedWithinTwo: (one.enrollment.acceptedFirst + one.enrollment.acceptedSecond) / one.enrollment.people },
    before: { onePhoto: { rule: `best template, cosine >= ${EMBEDDING_MODEL.threshold}`, ...before } },
    shipped: { onePhoto: { people: one.gallery.size, mated: one.mated.length, strangers: one.strangers.length, ...shipped }, threePhotos: { people: three.gallery.size, mated: three.mated.length, ...shippedThree } },
    curves: [
      ...curves('1 photo, all people', one, calibration),
      ...curves('1 photo, 100 people', subset(one, 100, 7), calibration),
      ...curves('1 photo, people with >= 5 photos', fivePlus, calibration),
      ...curves('3 photos, people with >= 5 photos', three, calibration),
    ],
    tracks: await trackMode(people, at),
    crossValidation: await crossValidate(people, targetFpir, Number(flag('--cv-splits') ?? 1)),
    wallSeconds: (performance.now() - t0) / 1000,
  };
  console.log(JSON.stringify(report, null, 2));

  const s = report.shipped;
  const meanOf = (k: 'tpir' | 'misidentification' | 'fpir' | 'fnirAtFpir1e2') => report.crossValidation.reduce((sum, f) => sum + f[k], 0) / report.crossValidation.length;
  appendToBenchmarks(`bench:openset, ${path.basename(root)}/people.csv, target FPIR ${targetFpir}`, [
    `Command: \`npm run bench:openset${args.length ? ` -- ${args.join(' ')}` : ''}\` (model \`${EMBEDDING_MODEL.id}\`; landmarks ${variant.mirrorLandmarks ? 'averaged with the mirror image' : 'plain'}; enrolled templates ${variant.jitteredTemplates ? 'jittered' : 'plain'}; calibration: ${calibration.source})`,
    '',
    '| rule | enrolled | people | mated searches | strangers | TPIR | misidentified | FPIR |',
    '|---|---|---|---|---|---|---|---|',
    `| before: best template, cosine >= ${EMBEDDING_MODEL.threshold} | 1 photo | ${s.onePhoto.people} | ${s.onePhoto.mated} | ${s.onePhoto.strangers} | ${pct(report.before.onePhoto.tpir)} | ${pct(report.before.onePhoto.misidentification)} | ${pct(report.before.onePhoto.fpir)} |`,
    `| shipped, target FPIR ${targetFpir} | 1 photo | ${s.onePhoto.people} | ${s.onePhoto.mated} | ${s.onePhoto.strangers} | ${pct(s.onePhoto.tpir)} | ${pct(s.onePhoto.misidentification)} | ${pct(s.onePhoto.fpir)} |`,
    `| shipped, target FPIR ${targetFpir} | 3 photos (people with >= 5) | ${s.threePhotos.people} | ${s.threePhotos.mated} | ${one.strangers.length} | ${pct(s.threePhotos.tpir)} | ${pct(s.threePhotos.misidentification)} | ${pct(s.threePhotos.fpir)} |`,
    '',
    'FNIR at a fixed FPIR (threshold set on the strangers\' scores: the curve, not the shipped point):',
    '',
    '| setting | rule | people | FNIR @ FPIR 1% | FNIR @ FPIR 0.1% |',
    '|---|---|---|---|---|',
    ...report.curves.map((c) => `| ${c.setting} | ${c.rule} | ${c.people} | ${pct(c.fnirAtFpir1e2)} | ${pct(c.fnirAtFpir1e3)} |`),
    '',
    `Tracks of 3 photos (two runs with the roles swapped, ${report.tracks.galleryPeople} enrolled): enrolled tracks named correctly ${pct(report.tracks.matedNamedCorrectly)} (misidentified ${pct(report.tracks.matedMisidentified)}, ${report.tracks.matedTracks} tracks); stranger tracks named ${pct(report.tracks.strangerTracksNamed)} of ${report.tracks.strangerTracks} (named by any single frame: ${pct(report.tracks.strangerTracksNamedByAnyFrame)}). Enrolled tracks lost: wrong leader ${report.tracks.matedLost.wrongLeader}; right leader, evidence short, a frame over the one-frame bar ${report.tracks.matedLost.evidenceShortWithFrame}; evidence short and no such frame ${report.tracks.matedLost.evidenceShortNoFrame}; evidence enough but no such frame ${report.tracks.matedLost.noFrameOnly}.`,
    '',
    `Enrollment gate: ${pct(report.enrollment.acceptedWithinTwo)} of ${report.enrollment.people} gallery people accepted on the first or second photo (first: ${report.enrollment.acceptedFirst}, second: ${report.enrollment.acceptedSecond}); refusals: ${Object.entries(report.enrollment.refusals).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}.`,
    '',
    'Calibration cross-validated (fitted on one half of the people, searched with the other half, 1 photo enrolled):',
    '',
    '| fitted on | tested on | people | TPIR | misidentified | FPIR | FNIR @ FPIR 1% (this half\'s curve) |',
    '|---|---|---|---|---|---|---|',
    ...report.crossValidation.map((f) => `| ${f.fittedOn} | ${f.testedOn} | ${f.people} | ${pct(f.tpir)} | ${pct(f.misidentification)} | ${pct(f.fpir)} | ${pct(f.fnirAtFpir1e2)} |`),
    ...(report.crossValidation.length > 2 ? [`| mean of ${report.crossValidation.length} | | | ${pct(meanOf('tpir'))} | ${pct(meanOf('misidentification'))} | ${pct(meanOf('fpir'))} | ${pct(meanOf('fnirAtFpir1e2'))} |`] : []),
  ].join('\n'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
