'use client';

import { useEffect, useRef, useState } from 'react';
import { api, isAbort, type AddFacesResult, type Person, type RejectReason } from '@/lib/client/api';
import { canvasThumbnail, captureFrame } from '@/lib/client/camera';
import { abortableSleep } from '@/lib/client/frame-loop';
import { describeError } from '@/lib/client/messages';

/** Candidate frames for one Capture press: sent one at a time until one is accepted, or time runs out. */
const CAPTURE = { maxWidth: 960, quality: 0.9, windowMs: 8000, pauseMs: 250 } as const;

export interface Shot {
  faceId: string;
  thumbnail: string;
}

export type Attempt =
  | { status: 'idle' }
  | { status: 'trying'; reasons: RejectReason[] | null }
  | { status: 'accepted' }
  | { status: 'gave-up'; reasons: RejectReason[] | null }
  | { status: 'error'; message: string };

/**
 * Capture presses of the guided shots: each sends candidate frames until one is accepted
 * (with the live refusal reasons meanwhile), and keeps the accepted shots' thumbnails.
 */
export function useGuidedCapture({
  videoRef,
  ensurePerson,
  onResult,
  onError,
  onAttempted,
}: {
  videoRef: React.RefObject<HTMLVideoElement | null>;
  ensurePerson: () => Promise<Person>;
  onResult: (result: AddFacesResult) => void;
  onError: (e: unknown) => void;
  /** A press ended, however it ended. */
  onAttempted: () => void;
}) {
  const [shots, setShots] = useState<Shot[]>([]);
  const [attempt, setAttempt] = useState<Attempt>({ status: 'idle' });
  const abortRef = useRef<AbortController | null>(null);
  const capturing = attempt.status === 'trying';

  useEffect(() => () => abortRef.current?.abort(), []);

  /** One Capture press: candidate frames until one is accepted, with live reasons for refusals. */
  const capture = async (beforeStart: () => void) => {
    const video = videoRef.current;
    if (!video || capturing) return;
    beforeStart();
    const controller = new AbortController();
    abortRef.current = controller;
    const canvas = document.createElement('canvas');
    const until = performance.now() + CAPTURE.windowMs;
    let reasons: RejectReason[] | null = null;
    setAttempt({ status: 'trying', reasons: null });
    try {
      const p = await ensurePerson();
      while (!controller.signal.aborted && performance.now() < until) {
        const frame = await captureFrame(video, canvas, CAPTURE);
        if (!frame) {
          await abortableSleep(100, controller.signal);
          continue;
        }
        const thumbnail = canvasThumbnail(canvas);
        const result = await api.addFaces(p.id, [frame.blob], 'camera', { signal: controller.signal });
        onResult(result);
        const r = result.results[0];
        if (r?.accepted) {
          setShots((s) => [...s, { faceId: r.faceId, thumbnail }]);
          setAttempt({ status: 'accepted' });
          return;
        }
        reasons = r ? r.reasons : ['no-face'];
        setAttempt({ status: 'trying', reasons });
        await abortableSleep(CAPTURE.pauseMs, controller.signal);
      }
      setAttempt(controller.signal.aborted ? { status: 'idle' } : { status: 'gave-up', reasons });
    } catch (e) {
      if (isAbort(e)) return setAttempt({ status: 'idle' });
      setAttempt({ status: 'error', message: describeError(e) });
      onError(e);
    } finally {
      onAttempted();
      if (abortRef.current === controller) abortRef.current = null;
    }
  };

  const cancel = () => abortRef.current?.abort();

  const reset = () => {
    cancel();
    setShots([]);
    setAttempt({ status: 'idle' });
  };

  return { shots, attempt, capturing, capture, cancel, reset };
}
