import type { CreateRegistryOptions } from '@/lib/registry';
import { EMBEDDING_MODEL } from '@/lib/vision/models';
import type { Config } from './config';

/**
 * Where and how to open the registry, as the config says: the server (lib/server/app.ts, which
 * adds its logger) and the CLI's export/import open the same one.
 */
export function registryOptions(config: Config): CreateRegistryOptions {
  return {
    dataDir: config.FACEREC_DATA_DIR,
    databaseUrl: config.FACEREC_DATABASE_URL,
    keepCrops: config.FACEREC_KEEP_CROPS,
    annMinTemplates: config.FACEREC_ANN_MIN_TEMPLATES,
    modelId: EMBEDDING_MODEL.id,
    dim: EMBEDDING_MODEL.dim,
  };
}
