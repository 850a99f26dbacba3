/**
 * Draws tracked faces over the video: a box per face with its name and similarity, or
 * "unknown" in amber with a dashed box. Track boxes are in frame pixels (the JPEG sent to the
 * server); the canvas is in device pixels of the displayed video, which shows the whole frame.
 */
import type { TrackedFace } from '@/lib/vision/track';

export const OVERLAY_COLORS = {
  matched: '#34d399', // emerald-400
  unknown: '#fbbf24', // amber-400
  text: '#020617', // slate-950 on the label background
} as const;

export function faceCaption(face: Pick<TrackedFace, 'label'>): string {
  return face.label.status === 'matched' ? `${face.label.name} · ${face.label.similarity.toFixed(2)}` : 'unknown';
}

/**
 * Clears and redraws. `scale` maps frame pixels to canvas pixels (display size / frame size,
 * times devicePixelRatio); `dpr` scales line widths and text.
 */
export function drawFaces(ctx: CanvasRenderingContext2D, faces: TrackedFace[], scale: number, dpr: number): void {
  const { width, height } = ctx.canvas;
  ctx.clearRect(0, 0, width, height);
  const fontPx = Math.round(14 * dpr);
  ctx.font = `600 ${fontPx}px ui-sans-serif, system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const face of faces) {
    const known = face.label.status === 'matched';
    const color = known ? OVERLAY_COLORS.matched : OVERLAY_COLORS.unknown;
    const x = face.box.x * scale;
    const y = face.box.y * scale;
    const w = face.box.width * scale;
    const h = face.box.height * scale;
    ctx.lineWidth = 3 * dpr;
    ctx.strokeStyle = color;
    ctx.setLineDash(known ? [] : [8 * dpr, 5 * dpr]);
    ctx.strokeRect(x, y, w, h);
    ctx.setLineDash([]);

    const caption = faceCaption(face);
    const pad = 4 * dpr;
    const textW = ctx.measureText(caption).width + 2 * pad;
    const textH = fontPx + 2 * pad;
    // Above the box when there is room, else inside its top edge; kept within the canvas.
    const ly = y - textH >= 0 ? y - textH : y;
    const lx = Math.min(Math.max(0, x - ctx.lineWidth / 2), Math.max(0, width - textW));
    ctx.fillStyle = color;
    ctx.fillRect(lx, ly, textW, textH);
    ctx.fillStyle = OVERLAY_COLORS.text;
    ctx.fillText(caption, lx + pad, ly + pad);
  }
}
