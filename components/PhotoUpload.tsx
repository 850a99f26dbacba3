'use client';

import { useEffect, useId, useState } from 'react';
import { api, ApiClientError, type AddFacesResult, type RejectReason } from '@/lib/client/api';
import { describeError, describeReason } from '@/lib/client/messages';
import { useAppStore } from '@/lib/client/store';
import { buttonClass } from './styles';

/** Photos per request (the server takes up to 20). */
const CHUNK = 10;

type PhotoState =
  | { status: 'ready' | 'sending' }
  | { status: 'accepted' }
  | { status: 'refused'; reasons: RejectReason[] }
  | { status: 'failed'; message: string };

interface Photo {
  file: File;
  url: string;
  state: PhotoState;
}

/**
 * Upload photos of one person (source=upload) and show, per photo, whether it became a face
 * template or why it was refused. `getPersonId` may create the person on first use.
 */
export function PhotoUpload({
  getPersonId,
  onUploaded,
  label = 'Photos',
}: {
  getPersonId: () => Promise<string>;
  onUploaded?: (result: AddFacesResult) => void;
  label?: string;
}) {
  const id = useId();
  const requestKey = useAppStore((s) => s.requestKey);
  const [photos, setPhotos] = useState<Photo[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [inputKey, setInputKey] = useState(0);

  // Object URLs of the previews live as long as the list shows them.
  useEffect(() => () => photos.forEach((p) => URL.revokeObjectURL(p.url)), [photos]);

  const choose = (list: FileList | null) => {
    setError(null);
    setPhotos(Array.from(list ?? []).map((file) => ({ file, url: URL.createObjectURL(file), state: { status: 'ready' } })));
  };

  const upload = async (e: React.FormEvent) => {
    e.preventDefault();
    const pending = photos.map((p, i) => ({ p, i })).filter(({ p }) => p.state.status === 'ready' || p.state.status === 'failed');
    if (pending.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const personId = await getPersonId();
      for (let c = 0; c < pending.length; c += CHUNK) {
        const chunk = pending.slice(c, c + CHUNK);
        setPhotos((ps) => ps.map((p, i) => (chunk.some((x) => x.i === i) ? { ...p, state: { status: 'sending' } } : p)));
        const result = await api.addFaces(personId, chunk.map((x) => x.p.file), 'upload');
        const byIndex = new Map(result.results.map((r) => [r.index, r]));
        setPhotos((ps) =>
          ps.map((p, i) => {
            const at = chunk.findIndex((x) => x.i === i);
            if (at < 0) return p;
            const r = byIndex.get(at);
            const state: PhotoState = !r
              ? { status: 'failed', message: 'No answer for this photo.' }
              : r.accepted
                ? { status: 'accepted' }
                : { status: 'refused', reasons: r.reasons };
            return { ...p, state };
          }),
        );
        onUploaded?.(result);
      }
    } catch (err) {
      if (err instanceof ApiClientError && err.needsKey) requestKey(describeError(err));
      setError(describeError(err));
      setPhotos((ps) => ps.map((p) => (p.state.status === 'sending' ? { ...p, state: { status: 'ready' } } : p)));
    } finally {
      setBusy(false);
    }
  };

  const accepted = photos.filter((p) => p.state.status === 'accepted').length;
  const done = photos.length > 0 && photos.every((p) => p.state.status === 'accepted' || p.state.status === 'refused');
  const pendingCount = photos.filter((p) => p.state.status === 'ready' || p.state.status === 'failed').length;

  return (
    <div className="space-y-3">
      <form onSubmit={upload} className="space-y-2">
        <label htmlFor={`${id}-files`} className="block font-medium text-slate-200">
          {label}
        </label>
        <input
          key={inputKey}
          id={`${id}-files`}
          type="file"
          multiple
          accept="image/jpeg,image/png,image/webp"
          aria-describedby={`${id}-help`}
          onChange={(e) => choose(e.target.files)}
          disabled={busy}
          className="block w-full text-sm text-slate-300 file:mr-3 file:rounded file:border-0 file:bg-slate-700 file:px-3 file:py-2 file:text-slate-100 hover:file:bg-slate-600 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400"
        />
        <p id={`${id}-help`} className="text-sm text-slate-400">
          JPEG, PNG or WebP, one face per photo: the face large, sharp and turned towards the camera.
        </p>
        <div className="flex flex-wrap gap-2">
          {!done && (
            <button type="submit" className={buttonClass.primary} disabled={busy || pendingCount === 0}>
              {busy ? 'Uploading…' : pendingCount > 0 ? `Upload ${pendingCount} photo${pendingCount === 1 ? '' : 's'}` : 'Upload photos'}
            </button>
          )}
          {done && (
            <button
              type="button"
              className={buttonClass.secondary}
              onClick={() => {
                setPhotos([]);
                setInputKey((k) => k + 1);
              }}
            >
              Choose other photos
            </button>
          )}
        </div>
      </form>
      {error && (
        <p role="alert" className="text-red-300">
          {error}
        </p>
      )}
      {photos.length > 0 && (
        <div aria-live="polite">
          {done && (
            <p className="mb-2 text-sm text-slate-300">
              {accepted} of {photos.length} photo{photos.length === 1 ? '' : 's'} accepted.
            </p>
          )}
          <ul className="grid gap-2 sm:grid-cols-2">
            {photos.map((p, i) => (
              <li key={`${p.file.name}-${i}`} className="flex gap-3 rounded border border-slate-800 bg-slate-900/60 p-2" data-upload-status={p.state.status}>
                {/* eslint-disable-next-line @next/next/no-img-element -- a local object URL, nothing to optimise */}
                <img src={p.url} alt="" className="h-16 w-16 flex-none rounded object-cover" />
                <div className="min-w-0 text-sm">
                  <p className="truncate text-slate-200" title={p.file.name}>
                    {p.file.name}
                  </p>
                  <PhotoStatus state={p.state} />
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function PhotoStatus({ state }: { state: PhotoState }) {
  switch (state.status) {
    case 'ready':
      return <p className="text-slate-400">Ready to upload</p>;
    case 'sending':
      return <p className="text-sky-300">Checking…</p>;
    case 'accepted':
      return <p className="font-medium text-emerald-300">Accepted</p>;
    case 'failed':
      return <p className="text-red-300">{state.message}</p>;
    case 'refused':
      return (
        <div>
          <p className="font-medium text-amber-300">Refused: {state.reasons.map((r) => describeReason(r).title.toLowerCase()).join(', ')}</p>
          <p className="text-slate-400">{describeReason(state.reasons[0] ?? 'no-face').hint}</p>
        </div>
      );
  }
}
