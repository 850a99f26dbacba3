/**
 * Client state shared between components (zustand): the API key and whether the server asked
 * for one, what /info said, and the live recognition readout (faces shown, rates). Camera
 * state belongs to the component that holds the camera. Form fields and one upload's
 * results stay in their component.
 */
import { create } from 'zustand';
import { adoptKeyFromAddress, readApiKey, writeApiKey } from './api-key';
import type { ServerInfo } from './api';

/** One face as listed under the video. */
export interface ShownFace {
  trackId: number;
  /** The person's name, or null for unknown. */
  name: string | null;
  similarity: number | null;
}

export interface LiveStats {
  cameraFps: number;
  recognitionsPerS: number;
  /** Smoothed round trip of /recognize, ms. */
  latencyMs: number | null;
}

export interface AppState {
  apiKey: string | null;
  /** The key was read from the address (a sign-in link) or sessionStorage (false during server render and the first paint). */
  keyLoaded: boolean;
  /** Why the server wants a (different) key; opens the key field. Null when nothing is asked. */
  keyRequest: string | null;
  /** Counts setApiKey calls: a loop stopped for want of a key restarts when it changes, even for the same key. */
  keyVersion: number;
  info: ServerInfo | null;
  faces: ShownFace[];
  stats: LiveStats;

  loadApiKey(): void;
  setApiKey(key: string | null): void;
  requestKey(reason: string | null): void;
  setInfo(info: ServerInfo): void;
  setFaces(faces: ShownFace[]): void;
  setStats(stats: LiveStats): void;
}

export const INITIAL_STATS: LiveStats = { cameraFps: 0, recognitionsPerS: 0, latencyMs: null };

const sameFaces = (a: ShownFace[], b: ShownFace[]) =>
  a.length === b.length && a.every((f, i) => f.trackId === b[i].trackId && f.name === b[i].name && f.similarity === b[i].similarity);

export const useAppStore = create<AppState>()((set, get) => ({
  apiKey: null,
  keyLoaded: false,
  keyRequest: null,
  keyVersion: 0,
  info: null,
  faces: [],
  stats: INITIAL_STATS,

  // A sign-in link's key (`#key=`) wins over one stored earlier in the tab.
  loadApiKey: () => set({ apiKey: adoptKeyFromAddress() ?? readApiKey(), keyLoaded: true }),
  setApiKey: (key) => set((s) => ({ apiKey: writeApiKey(key), keyLoaded: true, keyRequest: null, keyVersion: s.keyVersion + 1 })),
  requestKey: (reason) => set({ keyRequest: reason }),
  setInfo: (info) => set({ info }),
  // Unchanged lists keep their identity, so the live region re-renders only on real changes.
  setFaces: (faces) => {
    if (!sameFaces(get().faces, faces)) set({ faces });
  },
  setStats: (stats) => set({ stats }),
}));
