import { openApiJson } from '@/lib/contract/openapi';
import { route } from '@/lib/server/route';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Public and the same for every caller until the next deploy, so caches may keep it an hour. */
const answer = () => new Response(openApiJson(), { headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=3600' } });

/** The API reference (OpenAPI 3.1), generated from the contract; answered while the models still load. */
export const GET = route('openapi', 'none', async () => answer(), { whileStarting: answer });
