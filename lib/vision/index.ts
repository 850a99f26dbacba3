/**
 * The app's one vision instance. Kept on globalThis so Next's dev reloads reuse the loaded
 * models instead of loading a second copy.
 */
import { FacePipeline } from './pipeline';
import type { Analyzer } from './recognize';

export { EMBEDDING_MODEL } from './models';
export type { Analyzer } from './recognize';

const globalKey = Symbol.for('facerec.vision');
type Holder = { [globalKey]?: Promise<FacePipeline> };

/** The loaded vision pipeline; the first call loads the models (about a second). */
export function getVision(): Promise<Analyzer> {
  const holder = globalThis as Holder;
  holder[globalKey] ??= (async () => {
    const pipeline = new FacePipeline();
    await pipeline.load();
    return pipeline;
  })().catch((e) => {
    delete holder[globalKey];
    throw e;
  });
  return holder[globalKey];
}
