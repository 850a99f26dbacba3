/**
 * What the server prints when it generates the first admin key: the key, and a sign-in link
 * that carries it in the URL fragment (`#key=`), the way notebook servers print a token URL.
 * A fragment is never sent in a request, so the key reaches neither this server's access log
 * nor a proxy's; the page stores it in the tab and drops it from the address bar
 * (lib/client/api-key.ts). Pure: the caller passes what it read from the environment.
 */

/** Addresses that mean "every interface": not something a browser can open. */
const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']);

/**
 * The address a person on this machine opens: `HOSTNAME` as the server binds it (see
 * scripts/start.mjs), or localhost when it listens on every interface. IPv6 literals get brackets.
 */
export function signInOrigin(env: { port: number | string; hostname?: string | null }): string {
  const raw = (env.hostname ?? '').trim();
  const host = WILDCARD_HOSTS.has(raw) ? 'localhost' : raw.includes(':') && !raw.startsWith('[') ? `[${raw}]` : raw;
  return `http://${host}:${env.port}`;
}

/** The link that signs a browser tab in with `key`. */
export function signInLink(key: string, env: { port: number | string; hostname?: string | null }): string {
  return `${signInOrigin(env)}/#key=${encodeURIComponent(key)}`;
}

/** The whole first-start message, ready for stdout. */
export function firstStartMessage(key: string, env: { port: number | string; hostname?: string | null }): string {
  return [
    '',
    'facerec: generated an admin API key (shown once, store it now):',
    `  ${key}`,
    'Open this link to sign in to the pages with it (the key stays in the browser tab; the part after # is never sent to the server):',
    `  ${signInLink(key, env)}`,
    '',
    '',
  ].join('\n');
}
