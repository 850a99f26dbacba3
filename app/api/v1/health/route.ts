export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

/** Liveness: the process is up and its event loop answers. */
export function GET() {
  return Response.json({ status: 'ok' });
}
