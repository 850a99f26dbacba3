'use client';

import { useEffect, useState } from 'react';
import { api } from '@/lib/client/api';

/** At most this many crops per person in the list. */
const MAX_THUMBNAILS = 4;

/**
 * The kept face crops of one person. Crops need the API key, so they are fetched as blobs and
 * shown from object URLs. `version` changes when the person's faces change.
 */
export function FaceThumbnails({ personId, name, version }: { personId: string; name: string; version: string }) {
  const [urls, setUrls] = useState<string[]>([]);

  useEffect(() => {
    const controller = new AbortController();
    const made: string[] = [];
    (async () => {
      const person = await api.getPerson(personId, { signal: controller.signal });
      const withCrop = person.templates.filter((t) => t.hasCrop).slice(0, MAX_THUMBNAILS);
      const blobs = await Promise.all(withCrop.map((t) => api.faceCrop(personId, t.id, { signal: controller.signal })));
      if (controller.signal.aborted) return;
      made.push(...blobs.map((b) => URL.createObjectURL(b)));
      setUrls(made);
    })().catch(() => undefined); // thumbnails are decoration: the row still works without them
    return () => {
      controller.abort();
      made.forEach((u) => URL.revokeObjectURL(u));
      setUrls([]);
    };
  }, [personId, version]);

  if (urls.length === 0) return null;
  return (
    <ul className="flex gap-1.5" aria-label={`Faces of ${name}`}>
      {urls.map((u, i) => (
        <li key={u}>
          {/* eslint-disable-next-line @next/next/no-img-element -- an object URL of a fetched crop */}
          <img src={u} alt={`Face ${i + 1} of ${name}`} className="h-12 w-12 rounded border border-slate-700 object-cover" />
        </li>
      ))}
    </ul>
  );
}
