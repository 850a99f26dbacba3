'use client';

import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api, type RecognizeResult } from '@/lib/client/api';
import { captureFrame, watchVideoFrames, type CapturedFrame } from '@/lib/client/camera';
import { abortableSleep, runFrameLoop, type LoopProblem } from '@/lib/client/frame-loop';
import { Ema, RateMeter } from '@/lib/client/meters';
import { describeError, secondsText } from '@/lib/client/messages';
import { drawFaces } from '@/lib/client/overlay';
import { INITIAL_STATS, useAppStore, type ShownFace } from '@/lib/client/store';
import { FaceTracker, type AskTrack, type TrackedFace } from '@/lib/vision/track';
import { Banner, CameraErrorBanner } from './Banner';
import { FaceList } from './FaceList';
import { LiveStatsReadout } from './LiveStatsReadout';
import { buttonClass } from './styles';
import { useCamera } from './use-camera';
import { useServerInfo } from './use-server-info';

/** Frames sent for recognition: at most this wide (px), JPEG quality 0..1. */
const FRAME = { maxWidth: 640, quality: 0.8 } as const;
const RECOGNIZE_TIMEOUT_MS = 10_000;
/** A fused track verdict is one search on the server, no network: a late one is dropped, not waited for. */
const TRACK_TIMEOUT_MS = 5_000;
const STATS_INTERVAL_MS = 500;

/** The tracker's question about a track's frames, as POST /recognize/track; any failure is no verdict (the frame loop reports the server's state). */
const askTrack: AskTrack = (evidence) =>
  api.recognizeTrack(evidence, { timeoutMs: TRACK_TIMEOUT_MS }).then(
    (r) => ({ match: r.match, candidate: r.decision.candidate }),
    () => null,
  );

const toShown = (f: TrackedFace): ShownFace => ({
  trackId: f.id,
  name: f.label.status === 'matched' ? f.label.name : null,
  similarity: f.label.status === 'matched' ? Math.round(f.label.similarity * 100) / 100 : null,
});

/**
 * The recognition page's live part: camera, overlay, readout, the list of faces in view, and
 * the frame loop that keeps one /recognize request in flight.
 */
export function LiveRecognition() {
  const { videoRef, status: cameraStatus, error: cameraError, size: cameraSize, start: startCamera, stop: stopCamera } = useCamera();
  const info = useServerInfo();
  const { keyLoaded, keyVersion, apiKey, keyRequest, requestKey, setFaces, setStats } = useAppStore(
    useShallow((s) => ({
      keyLoaded: s.keyLoaded,
      keyVersion: s.keyVersion,
      apiKey: s.apiKey,
      keyRequest: s.keyRequest,
      requestKey: s.requestKey,
      setFaces: s.setFaces,
      setStats: s.setStats,
    })),
  );
  const [problem, setProblem] = useState<LoopProblem | null>(null);
  const [crash, setCrash] = useState<string | null>(null);
  const overlayRef = useRef<HTMLCanvasElement>(null);
  const trackerRef = useRef<FaceTracker | null>(null);
  const frameWidthRef = useRef<number | null>(null);
  // Answers come about once a second on a small CPU: a longer window keeps their rate steady.
  const metersRef = useRef({ camera: new RateMeter(2000), answers: new RateMeter(5000), latency: new Ema(0.3) });

  // Ask for the camera as soon as the page opens: that is what this page is for.
  useEffect(() => {
    void startCamera();
  }, [startCamera]);

  // Camera fps, and the readout refresh.
  useEffect(() => {
    const video = videoRef.current;
    if (cameraStatus !== 'on' || !video) return;
    const m = metersRef.current;
    const stopWatching = watchVideoFrames(video, (t) => m.camera.tick(t));
    const timer = setInterval(() => {
      const now = performance.now();
      setStats({ cameraFps: m.camera.ratePerS(now), recognitionsPerS: m.answers.ratePerS(now), latencyMs: m.latency.value });
    }, STATS_INTERVAL_MS);
    return () => {
      stopWatching();
      clearInterval(timer);
      m.camera.reset();
      m.answers.reset();
      setStats(INITIAL_STATS);
    };
  }, [cameraStatus, videoRef, setStats]);

  // The frame loop: restarts when the key changes (it stops by itself on 401/403).
  useEffect(() => {
    const video = videoRef.current;
    if (cameraStatus !== 'on' || !keyLoaded || !video) return;
    const tracker = (trackerRef.current ??= new FaceTracker({}, askTrack));
    const canvas = document.createElement('canvas');
    const m = metersRef.current;
    const controller = new AbortController();
    runFrameLoop<CapturedFrame, RecognizeResult>(
      {
        capture: () => captureFrame(video, canvas, FRAME),
        send: (frame, signal) => api.recognize(frame.blob, { signal, timeoutMs: RECOGNIZE_TIMEOUT_MS }),
        onAnswer: (result, frame, roundTripMs) => {
          frameWidthRef.current = result.width || frame.width;
          tracker.update(
            result.faces.map((f) => ({ box: f.box, match: f.match, decision: f.decision, quality: f.quality.score, evidence: f.evidence })),
            frame.capturedAt,
          );
          const now = performance.now();
          m.answers.tick(now);
          m.latency.add(roundTripMs);
        },
        onProblem: (p) => {
          setProblem(p);
          // Without answers nothing on screen can be vouched for: no stale names while down.
          if (p?.kind === 'unreachable' || p?.kind === 'auth') tracker.reset();
          if (p?.kind === 'auth') requestKey(describeError(p.error));
        },
        now: () => performance.now(),
        sleep: abortableSleep,
      },
      controller.signal,
    ).catch((e: unknown) => {
      // A bug, not a server answer: show it rather than stop silently.
      setCrash(e instanceof Error ? e.message : String(e));
    });
    return () => {
      controller.abort();
      tracker.reset();
      setFaces([]);
      setProblem(null);
    };
  }, [cameraStatus, keyLoaded, keyVersion, videoRef, requestKey, setFaces]);

  // Overlay: redraw every animation frame with boxes moved on to now; publish the face list.
  useEffect(() => {
    const canvas = overlayRef.current;
    if (cameraStatus !== 'on' || !canvas) return;
    let raf = 0;
    const draw = () => {
      raf = requestAnimationFrame(draw);
      const ctx = canvas.getContext('2d');
      const tracker = trackerRef.current;
      const frameWidth = frameWidthRef.current;
      if (!ctx) return;
      const dpr = window.devicePixelRatio || 1;
      const w = Math.round(canvas.clientWidth * dpr);
      const h = Math.round(canvas.clientHeight * dpr);
      if (canvas.width !== w) canvas.width = w;
      if (canvas.height !== h) canvas.height = h;
      const faces = tracker ? tracker.predict(performance.now()).filter((f) => f.confirmed) : [];
      drawFaces(ctx, faces, frameWidth ? w / frameWidth : 1, dpr);
      setFaces(faces.map(toShown));
    };
    raf = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(raf);
  }, [cameraStatus, setFaces]);

  // One message when a key is needed: while the header's key form is open it says why (it opens
  // on a 401/403), so the page shows no banner of its own; closed, the page's banner offers to open it.
  const keyFormAsks = keyRequest !== null;
  const shownProblem = problem?.kind === 'auth' && keyFormAsks ? null : problem;
  const needsKeyHint = info && !info.publicRecognition && keyLoaded && !apiKey && !problem && !keyFormAsks;
  const aspect = cameraSize ? `${cameraSize.width} / ${cameraSize.height}` : '4 / 3';

  return (
    <div className="space-y-4">
      {crash && (
        <Banner tone="error" title="Recognition stopped because of an error in the page">
          {crash}. Reload the page to start again.
        </Banner>
      )}
      <ProblemBanner problem={shownProblem} onEnterKey={() => requestKey('Enter an API key with the "recognize" role (or "admin").')} />
      {needsKeyHint && (
        <Banner tone="info" title="This server needs an API key for recognition">
          Enter a key with the &ldquo;recognize&rdquo; role under <strong>API key</strong> at the top.
        </Banner>
      )}
      {cameraStatus === 'error' && (
        <CameraErrorBanner message={cameraError} onRetry={() => void startCamera()} />
      )}

      <div className="grid gap-4 lg:grid-cols-[1fr_16rem]">
        <div className="space-y-2">
          <div className="relative overflow-hidden rounded-lg border border-slate-800 bg-slate-900" style={{ aspectRatio: aspect }}>
            <video ref={videoRef} className="absolute inset-0 h-full w-full" muted playsInline aria-label="Camera view" />
            <canvas ref={overlayRef} className="pointer-events-none absolute inset-0 h-full w-full" aria-hidden="true" />
            {cameraStatus !== 'on' && (
              <div className="absolute inset-0 flex items-center justify-center p-4 text-center text-slate-400">
                {cameraStatus === 'starting' ? 'Waiting for the camera… allow access if the browser asks.' : 'Camera off'}
              </div>
            )}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            {cameraStatus === 'on' ? (
              <button type="button" className={buttonClass.secondary} onClick={stopCamera}>
                Stop camera
              </button>
            ) : (
              <button type="button" className={buttonClass.primary} disabled={cameraStatus === 'starting'} onClick={() => void startCamera()}>
                Start camera
              </button>
            )}
            <Legend />
          </div>
        </div>
        <aside className="space-y-4" aria-label="Recognition status">
          <FaceList />
          <LiveStatsReadout active={cameraStatus === 'on'} />
        </aside>
      </div>
    </div>
  );
}

function Legend() {
  return (
    <p className="flex flex-wrap items-center gap-3 text-sm text-slate-300">
      <span className="flex items-center gap-1.5">
        <span aria-hidden="true" className="inline-block h-3 w-4 rounded-sm border-2 border-emerald-400" /> known (similarity)
      </span>
      <span className="flex items-center gap-1.5">
        <span aria-hidden="true" className="inline-block h-3 w-4 rounded-sm border-2 border-dashed border-amber-400" /> unknown
      </span>
    </p>
  );
}

function ProblemBanner({ problem, onEnterKey }: { problem: LoopProblem | null; onEnterKey: () => void }) {
  if (!problem) return null;
  switch (problem.kind) {
    case 'unreachable':
      return (
        <Banner tone="error" title="Cannot reach the server">
          Recognition is paused. Trying again in {secondsText(problem.retryInMs)} (attempt {problem.attempt}); it resumes by itself
          when the server answers.
        </Banner>
      );
    case 'busy':
      return (
        <Banner tone="info" title={problem.error.status === 429 ? 'Too many requests' : 'The server is busy'}>
          Waiting {secondsText(problem.retryInMs)} before the next frame, as the server asked.
        </Banner>
      );
    case 'auth':
      return (
        <Banner
          tone="warning"
          title={problem.error.status === 403 ? 'This API key may not recognise faces' : 'An API key is needed'}
          action={
            <button type="button" className={buttonClass.secondary} onClick={onEnterKey}>
              Enter API key
            </button>
          }
        >
          {describeError(problem.error)} Recognition starts again once a key is saved.
        </Banner>
      );
    case 'failed':
      return (
        <Banner tone="warning" title="A frame could not be recognised">
          {describeError(problem.error)}
        </Banner>
      );
  }
}
