/**
 * The API key lives in this tab's sessionStorage: it survives navigation and reloads, and is
 * gone when the tab closes. Safe to import on the server (it then reads nothing).
 */
export const API_KEY_STORAGE = 'facerec.apiKey';

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null; // storage disabled by the browser's privacy settings
  }
}

export function readApiKey(): string | null {
  return storage()?.getItem(API_KEY_STORAGE) || null;
}

/** Stores a key (trimmed), or forgets it with null or an empty string. */
export function writeApiKey(key: string | null): string | null {
  const value = key?.trim() || null;
  const s = storage();
  if (s) {
    if (value) s.setItem(API_KEY_STORAGE, value);
    else s.removeItem(API_KEY_STORAGE);
  }
  return value;
}

/** The fragment parameter of a sign-in link (lib/server/first-start.ts): `/#key=frk_...`. */
export const KEY_FRAGMENT_PARAM = 'key';

/**
 * Splits a sign-in key off a location hash: `#key=K&x=1` gives `K` and `#x=1`. Other hashes
 * (an in-page anchor such as `#main`) come back unchanged with a null key.
 */
export function takeKeyFromHash(hash: string): { key: string | null; hash: string } {
  const body = hash.startsWith('#') ? hash.slice(1) : hash;
  if (!body.includes('=')) return { key: null, hash };
  const params = new URLSearchParams(body);
  const key = params.get(KEY_FRAGMENT_PARAM)?.trim() || null;
  if (key === null && !params.has(KEY_FRAGMENT_PARAM)) return { key: null, hash };
  params.delete(KEY_FRAGMENT_PARAM);
  const rest = params.toString();
  return { key, hash: rest ? `#${rest}` : '' };
}

/**
 * Adopts a key carried by a sign-in link: stores it in the tab and replaces the address
 * without it, so it is not left in the address bar, the tab's history or a bookmark.
 * Returns the key, or null when the address carries none.
 */
export function adoptKeyFromAddress(): string | null {
  if (typeof window === 'undefined') return null;
  const { pathname, search, hash } = window.location;
  const taken = takeKeyFromHash(hash);
  if (taken.hash === hash) return null;
  // Keeps the router's own history state: Next's App Router stores its tree there.
  window.history.replaceState(window.history.state, '', `${pathname}${search}${taken.hash}`);
  // An empty `#key=` is dropped too, but does not forget a key stored earlier.
  return taken.key ? writeApiKey(taken.key) : null;
}
