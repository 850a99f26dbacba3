#!/usr/bin/env node
// The `facerec` command: runs the TypeScript CLI through tsx (a dependency), so there is no
// separate compile step to forget.
// The project's tsconfig wherever the command runs from: its `@/` paths resolve lib/ imports.
process.env.TSX_TSCONFIG_PATH ??= require('node:path').join(__dirname, '..', 'tsconfig.json');
require('tsx/cjs');
require('../cli/facerec.ts').main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`facerec: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
