/**
 * Fake camera videos for Chromium (`--use-file-for-fake-video-capture`): YUV4MPEG2 files,
 * 4:2:0, built from still photos. Each photo is fitted into the frame (cropping the edges,
 * like a webcam close-up), held for a while, and panned slowly so consecutive frames differ
 * as a live camera's do.
 */
import fs from 'node:fs';
import sharp from 'sharp';

export interface FakeVideoOptions {
  width?: number;
  height?: number;
  fps?: number;
  /** How long each photo is shown. */
  secondsPerImage?: number;
  /** Horizontal pan over each photo's time on screen, in pixels of the output. */
  panPx?: number;
  /** Which part of a photo to keep when cropping it to the frame (sharp's `position`). */
  position?: string;
}

/** BT.601 limited-range RGB -> Y'CbCr with 2x2 averaged chroma (I420 planes). */
export function rgbToI420(rgb: Uint8Array, width: number, height: number): Buffer {
  const ySize = width * height;
  const cw = width / 2;
  const ch = height / 2;
  const out = Buffer.alloc(ySize + 2 * cw * ch);
  for (let i = 0; i < ySize; i++) {
    const r = rgb[3 * i];
    const g = rgb[3 * i + 1];
    const b = rgb[3 * i + 2];
    out[i] = Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const p = 3 * ((2 * cy + dy) * width + 2 * cx + dx);
        r += rgb[p];
        g += rgb[p + 1];
        b += rgb[p + 2];
      }
      r /= 4;
      g /= 4;
      b /= 4;
      const at = cy * cw + cx;
      out[ySize + at] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      out[ySize + cw * ch + at] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return out;
}

/** Writes a .y4m video of the photos (file bytes, any format sharp reads) to `file`. */
export async function writeFakeVideo(file: string, photos: Buffer[], opts: FakeVideoOptions = {}): Promise<string> {
  const width = opts.width ?? 640;
  const height = opts.height ?? 480;
  const fps = opts.fps ?? 10;
  const framesPerImage = Math.round((opts.secondsPerImage ?? 4) * fps);
  const panPx = opts.panPx ?? 24;
  const out = fs.openSync(file, 'w');
  try {
    fs.writeSync(out, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420\n`);
    for (const photo of photos) {
      // Fitted a little wider than the frame, so there is room to pan.
      const wide = await sharp(photo)
        .rotate()
        .resize(width + panPx, height, { fit: 'cover', position: opts.position ?? 'attention' })
        .removeAlpha()
        .raw()
        .toBuffer();
      const rowBytes = 3 * (width + panPx);
      const frameRgb = new Uint8Array(3 * width * height);
      for (let f = 0; f < framesPerImage; f++) {
        // There and back, so the video loops without a jump.
        const phase = f / framesPerImage;
        const dx = Math.round(panPx * (phase < 0.5 ? 2 * phase : 2 - 2 * phase));
        for (let y = 0; y < height; y++) {
          frameRgb.set(wide.subarray(y * rowBytes + 3 * dx, y * rowBytes + 3 * (dx + width)), 3 * y * width);
        }
        fs.writeSync(out, 'FRAME\n');
        fs.writeSync(out, rgbToI420(frameRgb, width, height));
      }
    }
  } finally {
    fs.closeSync(out);
  }
  return file;
}
