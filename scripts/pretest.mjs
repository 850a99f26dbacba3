// `npm test` runs against the production build (the API and browser tests start
// .next/standalone/server.js), so it builds first. FACEREC_TEST_SKIP_BUILD=1 reuses the last
// build when only tests changed.
import { execSync } from 'node:child_process';

if (process.env.FACEREC_TEST_SKIP_BUILD === '1') {
  execSync('npm run build:worker', { stdio: 'inherit' });
} else {
  execSync('npm run build', { stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
}
