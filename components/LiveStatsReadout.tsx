'use client';

import { useAppStore } from '@/lib/client/store';

/** Camera fps, recognitions per second and round-trip latency of the live loop. */
export function LiveStatsReadout({ active }: { active: boolean }) {
  const stats = useAppStore((s) => s.stats);
  const rows: [string, string, string][] = [
    ['Camera', active ? stats.cameraFps.toFixed(0) : '–', 'fps'],
    ['Recognitions', active ? stats.recognitionsPerS.toFixed(1) : '–', 'per s'],
    ['Latency', active && stats.latencyMs !== null ? stats.latencyMs.toFixed(0) : '–', 'ms'],
  ];
  return (
    <section aria-labelledby="stats-title" className="rounded-lg border border-slate-800 bg-slate-900/60 p-4">
      <h2 id="stats-title" className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-400">
        Performance
      </h2>
      <dl className="grid grid-cols-3 gap-2 lg:grid-cols-1">
        {rows.map(([label, value, unit]) => (
          <div key={label} className="flex flex-col lg:flex-row lg:items-baseline lg:justify-between">
            <dt className="text-xs text-slate-400 lg:text-sm">{label}</dt>
            <dd className="font-mono tabular-nums text-slate-100" data-stat={label.toLowerCase()}>
              {value} <span className="text-xs text-slate-400">{unit}</span>
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
