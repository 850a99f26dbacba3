'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { CameraError, closeCamera, openCamera } from '@/lib/client/camera';

export type CameraStatus = 'idle' | 'starting' | 'on' | 'error';

/**
 * One camera stream bound to a <video>: start, stop, status and a message when it failed.
 * The stream is closed when the component unmounts.
 */
export function useCamera() {
  const videoRef = useRef<HTMLVideoElement | null>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const [status, setStatus] = useState<CameraStatus>('idle');
  const [error, setError] = useState<string | null>(null);
  const [size, setSize] = useState<{ width: number; height: number } | null>(null);
  /** Bumped by stop(): a start() still waiting for permission then lets its stream go. */
  const generation = useRef(0);

  const stop = useCallback(() => {
    generation.current++;
    closeCamera(streamRef.current);
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
    setStatus('idle');
  }, []);

  const start = useCallback(async () => {
    if (streamRef.current) return;
    const mine = ++generation.current;
    setStatus('starting');
    setError(null);
    try {
      const stream = await openCamera();
      const video = videoRef.current;
      if (mine !== generation.current || !video) {
        closeCamera(stream);
        return;
      }
      streamRef.current = stream;
      video.srcObject = stream;
      await new Promise<void>((resolve) => {
        if (video.readyState >= 1) resolve();
        else video.addEventListener('loadedmetadata', () => resolve(), { once: true });
      });
      await video.play().catch(() => undefined); // muted inline video: autoplay is allowed
      setSize({ width: video.videoWidth, height: video.videoHeight });
      // The camera may be unplugged or taken by the system.
      stream.getVideoTracks()[0]?.addEventListener('ended', () => {
        streamRef.current = null;
        setStatus('error');
        setError('The camera stopped. Check that it is connected, then start it again.');
      });
      setStatus('on');
    } catch (e) {
      closeCamera(streamRef.current);
      streamRef.current = null;
      setStatus('error');
      setError(e instanceof CameraError ? e.message : 'The camera could not be started.');
    }
  }, []);

  useEffect(() => () => closeCamera(streamRef.current), []);

  return { videoRef, status, error, size, start, stop };
}
