'use client';

import { useAppStore } from '@/lib/client/store';

/**
 * The faces in view, as text: a polite live region, one item per face with `data-face-label`
 * (the name, or `unknown`). Similarities are shown but kept out of the announcements.
 */
export function FaceList() {
  const faces = useAppStore((s) => s.faces);
  return (
    <section aria-labelledby="faces-title" className="rounded-lg border border-slate-800 bg-slate-900/60 p-4">
      <h2 id="faces-title" className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-400">
        In view
      </h2>
      <div aria-live="polite">
        {faces.length === 0 ? (
          <p className="text-slate-400">No faces in view.</p>
        ) : (
          <ul className="space-y-1.5">
            {faces.map((f) => (
              <li
                key={f.trackId}
                data-face-label={f.name ?? 'unknown'}
                className="flex items-baseline justify-between gap-3"
              >
                {f.name ? (
                  <span className="font-medium text-emerald-300">{f.name}</span>
                ) : (
                  <span className="rounded bg-amber-500/20 px-1.5 py-0.5 text-amber-200">unknown</span>
                )}
                {f.similarity !== null && (
                  <span aria-hidden="true" className="font-mono text-sm tabular-nums text-slate-400" title="Similarity">
                    {f.similarity.toFixed(2)}
                  </span>
                )}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
