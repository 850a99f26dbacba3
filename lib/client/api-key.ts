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
