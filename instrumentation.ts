/** Runs once when the server starts: load models and open the registry before the first request. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  // Before any request: the peer address and the raw path are captured from here on.
  const { installRawRequestHook } = await import('./lib/server/raw-request');
  installRawRequestHook();
  const { getServices } = await import('./lib/server/app');
  getServices().catch(() => {
    // Logged by getServices; /ready stays 503 and requests retry the start.
  });
}
