/** Shared Tailwind class strings for controls, so every button and field looks and focuses alike. */

export const buttonClass = {
  primary:
    'inline-flex items-center justify-center rounded bg-sky-500 px-4 py-2 font-medium text-slate-950 hover:bg-sky-400 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-200 focus-visible:ring-offset-2 focus-visible:ring-offset-slate-950 disabled:cursor-not-allowed disabled:opacity-50',
  secondary:
    'inline-flex items-center justify-center rounded border border-slate-600 px-4 py-2 text-slate-100 hover:border-slate-400 hover:bg-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400 disabled:cursor-not-allowed disabled:opacity-50',
  danger:
    'inline-flex items-center justify-center rounded bg-red-600 px-4 py-2 font-medium text-white hover:bg-red-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-300 focus-visible:ring-offset-2 focus-visible:ring-offset-slate-950 disabled:cursor-not-allowed disabled:opacity-50',
  small:
    'inline-flex items-center justify-center rounded border border-slate-600 px-2.5 py-1 text-sm text-slate-100 hover:border-slate-400 hover:bg-slate-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400 disabled:cursor-not-allowed disabled:opacity-50',
  smallDanger:
    'inline-flex items-center justify-center rounded border border-red-700/70 px-2.5 py-1 text-sm text-red-200 hover:border-red-500 hover:bg-red-950 focus:outline-none focus-visible:ring-2 focus-visible:ring-red-400 disabled:cursor-not-allowed disabled:opacity-50',
} as const;

export const inputClass =
  'w-full rounded border border-slate-600 bg-slate-950 px-3 py-2 text-slate-100 placeholder:text-slate-500 focus:border-sky-400 focus:outline-none focus:ring-2 focus:ring-sky-400/40 disabled:opacity-60';
