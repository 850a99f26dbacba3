import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * `require` for packages chosen at run time (Human's and face-api's build files, tfjs), which
 * bundlers must leave alone. Resolves from this module's own file where there is one (CommonJS:
 * tsx, jest, the bundled worker), else from the working directory.
 */
export const runtimeRequire: NodeJS.Require = createRequire(
  typeof __filename === 'string' ? __filename : path.join(/* turbopackIgnore: true */ process.cwd(), 'index.js'),
);
