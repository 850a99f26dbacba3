import type { CameraStatus } from '../use-camera';
import { CameraErrorBanner } from '../Banner';
import { buttonClass } from '../styles';
import { AttemptStatus } from './AttemptStatus';
import { nextShotPrompt } from './shot-guide';
import type { Attempt, Shot } from './use-guided-capture';

/** Step 2 with the camera: the view with a face guide, the next pose, Capture, and the accepted shots. */
export function GuidedShots({
  videoRef,
  camera,
  onRetryCamera,
  shots,
  attempt,
  ready,
  onCapture,
  onCancel,
}: {
  videoRef: React.RefObject<HTMLVideoElement | null>;
  camera: { status: CameraStatus; error: string | null; size: { width: number; height: number } | null };
  onRetryCamera: () => void;
  shots: Shot[];
  attempt: Attempt;
  /** Enough shots were accepted: Capture is no longer the main action. */
  ready: boolean;
  onCapture: () => void;
  onCancel: () => void;
}) {
  const capturing = attempt.status === 'trying';
  const prompt = nextShotPrompt(shots.length);
  return (
    <>
      <div className="grid gap-4 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="space-y-2">
          <div
            className="relative overflow-hidden rounded-lg border border-slate-800 bg-slate-950"
            style={{ aspectRatio: camera.size ? `${camera.size.width} / ${camera.size.height}` : '4 / 3' }}
          >
            <video ref={videoRef} className="absolute inset-0 h-full w-full" muted playsInline aria-label="Camera view" />
            {/* Where the face should be: a guide, not a requirement. */}
            <div
              aria-hidden="true"
              className={`pointer-events-none absolute left-1/2 top-1/2 h-[70%] w-auto -translate-x-1/2 -translate-y-1/2 rounded-[50%] border-2 border-dashed ${
                attempt.status === 'accepted' ? 'border-emerald-400' : capturing ? 'border-sky-300' : 'border-slate-300/50'
              }`}
              style={{ aspectRatio: '3 / 4' }}
            />
            {camera.status !== 'on' && (
              <div className="absolute inset-0 flex items-center justify-center p-4 text-center text-slate-400">
                {camera.status === 'starting' ? 'Waiting for the camera… allow access if the browser asks.' : 'Camera off'}
              </div>
            )}
          </div>
          {camera.status === 'error' && <CameraErrorBanner message={camera.error} onRetry={onRetryCamera} hint="You can upload photos instead." />}
        </div>

        <div className="space-y-4">
          <div>
            <p className="text-sm text-slate-400">{prompt.label}</p>
            <p className="text-lg font-medium text-slate-100">{prompt.title}</p>
            <p className="text-sm text-slate-300">{prompt.hint}</p>
          </div>
          <div className="flex flex-wrap gap-2">
            <button type="button" className={ready ? buttonClass.secondary : buttonClass.primary} onClick={onCapture} disabled={camera.status !== 'on' || capturing}>
              {capturing ? 'Capturing…' : 'Capture'}
            </button>
            {capturing && (
              <button type="button" className={buttonClass.secondary} onClick={onCancel}>
                Cancel
              </button>
            )}
          </div>
          <AttemptStatus attempt={attempt} />
        </div>
      </div>

      {shots.length > 0 && (
        <div>
          <h3 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-400">Accepted shots</h3>
          <ul className="flex flex-wrap gap-2">
            {shots.map((s, i) => (
              <li key={s.faceId}>
                {/* eslint-disable-next-line @next/next/no-img-element -- a data URL drawn in this page */}
                <img src={s.thumbnail} alt={`Accepted shot ${i + 1}`} className="h-20 rounded border border-emerald-700/60 object-cover" />
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
