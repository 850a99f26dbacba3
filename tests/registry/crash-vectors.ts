/** What the crash writer enrolls for a name, so the test can recompute and check it. */
import type { NewTemplate } from '@/lib/registry/registry';
import { fakeJpeg, hashSeed, randomUnit, seededRng } from './vectors';

export const CRASH_MODEL = 'crash-model';
export const CRASH_TEMPLATES_PER_PERSON = 3;

export function crashTemplates(name: string): NewTemplate[] {
  const rng = seededRng(hashSeed(name));
  return Array.from({ length: CRASH_TEMPLATES_PER_PERSON }, (_, j) => ({
    embedding: randomUnit(128, rng),
    modelId: CRASH_MODEL,
    quality: 0.5,
    source: 'api',
    crop: fakeJpeg(j),
  }));
}
