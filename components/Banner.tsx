import { buttonClass } from './styles';
/**
 * A message box. `tone` picks the colours and the ARIA role: problems the user must know about
 * now are alerts; waits and information are polite status messages.
 */
const TONES = {
  error: { role: 'alert', className: 'border-red-500/60 bg-red-950/60 text-red-100' },
  warning: { role: 'alert', className: 'border-amber-500/60 bg-amber-950/50 text-amber-100' },
  info: { role: 'status', className: 'border-sky-600/50 bg-sky-950/50 text-sky-100' },
  success: { role: 'status', className: 'border-emerald-600/50 bg-emerald-950/50 text-emerald-100' },
} as const;

export function Banner({
  tone,
  title,
  children,
  action,
}: {
  tone: keyof typeof TONES;
  title: string;
  children?: React.ReactNode;
  action?: React.ReactNode;
}) {
  const t = TONES[tone];
  return (
    <div role={t.role} className={`flex flex-col gap-2 rounded-lg border px-4 py-3 sm:flex-row sm:items-center ${t.className}`}>
      <div className="flex-1">
        <p className="font-semibold">{title}</p>
        {children && <div className="text-sm opacity-90">{children}</div>}
      </div>
      {action}
    </div>
  );
}

/** The camera could not start: why, and a button to try again. */
export function CameraErrorBanner({ message, onRetry, hint }: { message: string | null; onRetry: () => void; hint?: string }) {
  return (
    <Banner
      tone="error"
      title="No camera"
      action={
        <button type="button" className={buttonClass.secondary} onClick={onRetry}>
          Try again
        </button>
      }
    >
      {message}
      {hint ? ` ${hint}` : null}
    </Banner>
  );
}
