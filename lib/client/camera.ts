/**
 * Camera access and frame capture in the browser. Frames are JPEG blobs scaled to at most
 * `maxWidth` pixels wide; the boxes the server returns are in those pixels.
 */

export class CameraError extends Error {
  constructor(
    readonly kind: 'denied' | 'missing' | 'busy' | 'insecure' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'CameraError';
  }
}

/** Maps getUserMedia's DOMException names to messages a person can act on. */
export function cameraErrorFrom(e: unknown): CameraError {
  const name = e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new CameraError('denied', 'Camera access was refused. Allow the camera for this site in the browser (the icon in the address bar), then try again.');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new CameraError('missing', 'No camera was found. Connect one, or upload photos instead.');
    case 'NotReadableError':
    case 'AbortError':
      return new CameraError('busy', 'The camera is in use by another application, or failed to start. Close the other application and try again.');
    default:
      return new CameraError('failed', `The camera could not be started${e instanceof Error && e.message ? `: ${e.message}` : '.'}`);
  }
}

export async function openCamera(): Promise<MediaStream> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    throw new CameraError('insecure', 'This browser gives no camera access here. Open the page over HTTPS (or on localhost) in a current browser.');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (e) {
    throw cameraErrorFrom(e);
  }
}

export function closeCamera(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}

/** Size of a frame scaled to at most `maxWidth` wide (never enlarged), in whole pixels. */
export function frameSize(videoWidth: number, videoHeight: number, maxWidth: number): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / videoWidth);
  return { width: Math.round(videoWidth * scale), height: Math.round(videoHeight * scale) };
}

export interface CapturedFrame {
  blob: Blob;
  width: number;
  height: number;
  /** performance.now() when the pixels were taken. */
  capturedAt: number;
}

/**
 * Draws the current video frame into `canvas` (resized to the frame) and encodes it as JPEG.
 * Null when the video has no frame yet.
 */
export async function captureFrame(
  video: HTMLVideoElement,
  canvas: HTMLCanvasElement,
  opts: { maxWidth: number; quality: number },
): Promise<CapturedFrame | null> {
  if (video.readyState < 2 || !video.videoWidth) return null;
  const { width, height } = frameSize(video.videoWidth, video.videoHeight, opts.maxWidth);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const capturedAt = performance.now();
  ctx.drawImage(video, 0, 0, width, height);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', opts.quality));
  return blob ? { blob, width, height, capturedAt } : null;
}

/** A small JPEG data URL of what the canvas holds now (for thumbnails of accepted shots). */
export function canvasThumbnail(canvas: HTMLCanvasElement, width = 160): string {
  const { width: w, height: h } = frameSize(canvas.width, canvas.height, width);
  const small = document.createElement('canvas');
  small.width = w;
  small.height = h;
  small.getContext('2d')?.drawImage(canvas, 0, 0, w, h);
  return small.toDataURL('image/jpeg', 0.7);
}

/**
 * Counts decoded video frames (camera fps): requestVideoFrameCallback where the browser has it,
 * else animation frames where the video time moved. Returns a stop function.
 */
export function watchVideoFrames(video: HTMLVideoElement, onFrame: (nowMs: number) => void): () => void {
  let stopped = false;
  type Rvfc = (cb: (now: number) => void) => number;
  const rvfc = (video as HTMLVideoElement & { requestVideoFrameCallback?: Rvfc }).requestVideoFrameCallback?.bind(video);
  if (rvfc) {
    const step = (now: number) => {
      if (stopped) return;
      onFrame(now);
      rvfc(step);
    };
    rvfc(step);
  } else {
    let lastTime = -1;
    const step = (now: number) => {
      if (stopped) return;
      if (video.currentTime !== lastTime) {
        lastTime = video.currentTime;
        onFrame(now);
      }
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  }
  return () => {
    stopped = true;
  };
}
