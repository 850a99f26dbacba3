'use client';

import Link from 'next/link';
import { useCallback, useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { api, ApiClientError, type Person } from '@/lib/client/api';
import { describeError } from '@/lib/client/messages';
import { useAppStore } from '@/lib/client/store';
import { Banner } from './Banner';
import { ConfirmDialog } from './ConfirmDialog';
import { FaceThumbnails } from './FaceThumbnails';
import { PhotoUpload } from './PhotoUpload';
import { buttonClass, inputClass } from './styles';
import { useServerInfo } from './use-server-info';

const PAGE_SIZE = 20;
const SEARCH_DEBOUNCE_MS = 250;

/** The list answers `lastSeenAt` only while the server records sightings (FACEREC_SIGHTINGS). */
type ListedPerson = Person & { lastSeenAt?: string | null };

/** "Last seen" as the row shows it: time of day for today, the date otherwise. */
function lastSeenText(iso: string | null): string {
  if (iso === null) return 'not seen yet';
  const at = new Date(iso);
  return at.toDateString() === new Date().toDateString() ? `last seen ${at.toLocaleTimeString()}` : `last seen ${at.toLocaleDateString()}`;
}

/** Everyone registered: search, page through, rename, add photos, delete. */
export function PeopleTable() {
  const searchId = useId();
  const info = useServerInfo();
  const { keyLoaded, keyVersion, requestKey, keyFormAsks } = useAppStore(
    useShallow((s) => ({ keyLoaded: s.keyLoaded, keyVersion: s.keyVersion, requestKey: s.requestKey, keyFormAsks: s.keyRequest !== null })),
  );
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [reloads, setReloads] = useState(0);
  /** The list as last loaded, tagged with what it was loaded for. */
  const [list, setList] = useState<{ key: string; people: ListedPerson[]; next: string | null; error: string | null } | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [toDelete, setToDelete] = useState<Person | null>(null);
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    const t = setTimeout(() => setDebounced(query), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [query]);

  // Whether the last failure was a missing or refused key: the header's key form then says why.
  const [keyProblem, setKeyProblem] = useState(false);
  const problem = useCallback(
    (e: unknown): string => {
      const needsKey = e instanceof ApiClientError && e.needsKey;
      setKeyProblem(needsKey);
      if (needsKey) requestKey(describeError(e));
      return describeError(e);
    },
    [requestKey],
  );

  // The first page: on open, on a new search, on Retry, and when a key is saved.
  const listKey = `${keyVersion}:${reloads}:${debounced}`;
  useEffect(() => {
    if (!keyLoaded) return;
    const controller = new AbortController();
    api.listPeople({ limit: PAGE_SIZE, q: debounced }, { signal: controller.signal }).then(
      (page) => setList({ key: listKey, people: page.people, next: page.next, error: null }),
      (e: unknown) => {
        if (!controller.signal.aborted) setList({ key: listKey, people: [], next: null, error: problem(e) });
      },
    );
    return () => controller.abort();
  }, [keyLoaded, listKey, debounced, problem]);

  const loading = !list || list.key !== listKey;
  const people = list?.people ?? [];
  const next = list?.next ?? null;
  const error = list?.error ?? null;
  const setPeople = (f: (ps: ListedPerson[]) => ListedPerson[]) => setList((l) => (l ? { ...l, people: f(l.people) } : l));
  const setError = (message: string) => setList((l) => (l ? { ...l, error: message } : l));

  const loadMore = async () => {
    if (!next) return;
    setLoadingMore(true);
    try {
      const page = await api.listPeople({ limit: PAGE_SIZE, cursor: next, q: debounced });
      setList((l) => (l ? { ...l, people: [...l.people, ...page.people], next: page.next } : l));
    } catch (e) {
      setError(problem(e));
    } finally {
      setLoadingMore(false);
    }
  };

  // Keeps fields only the list answers (lastSeenAt) when a rename or upload returns the person.
  const replace = (p: Person) => setPeople((ps) => ps.map((x) => (x.id === p.id ? { ...x, ...p } : x)));

  const confirmDelete = async () => {
    if (!toDelete) return;
    setDeleting(true);
    try {
      await api.deletePerson(toDelete.id);
      setPeople((ps) => ps.filter((p) => p.id !== toDelete.id));
      setNotice(`${toDelete.name} was deleted, with all their faces.`);
    } catch (e) {
      setError(problem(e));
    } finally {
      setToDelete(null);
      setDeleting(false);
    }
  };

  return (
    <div className="space-y-4">
      <div className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <div className="flex-1 space-y-1">
          <label htmlFor={searchId} className="block font-medium text-slate-200">
            Search
          </label>
          <input
            id={searchId}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Name or external id"
            autoComplete="off"
            className={inputClass}
          />
        </div>
        <Link href="/register" className={buttonClass.primary}>
          Register a person
        </Link>
      </div>

      {/* One message when a key is needed: while the header's key form asks for it, no banner here too. */}
      {error && !(keyProblem && keyFormAsks) && (
        <Banner
          tone="error"
          title="Could not load people"
          action={
            <button type="button" className={buttonClass.secondary} onClick={() => setReloads((n) => n + 1)}>
              Retry
            </button>
          }
        >
          {error}
        </Banner>
      )}
      <div aria-live="polite">{notice && <Banner tone="success" title={notice} />}</div>

      <p className="text-sm text-slate-400" aria-live="polite">
        {loading
          ? 'Loading…'
          : !error && people.length === 0
            ? debounced
              ? `Nobody matches “${debounced}”.`
              : 'Nobody is registered yet.'
            : `${people.length}${next ? '+' : ''} ${people.length === 1 ? 'person' : 'people'}${debounced ? ` matching “${debounced}”` : ''}`}
      </p>

      <ul className="divide-y divide-slate-800 rounded-lg border border-slate-800 bg-slate-900/60" aria-label="People">
        {people.map((p) => (
          <PersonRow
            key={p.id}
            person={p}
            keepCrops={info?.keepCrops !== false}
            onChanged={replace}
            onDelete={() => {
              setNotice(null);
              setToDelete(p);
            }}
            onError={(e) => setError(problem(e))}
          />
        ))}
      </ul>

      {next && (
        <button type="button" className={buttonClass.secondary} disabled={loadingMore} onClick={() => void loadMore()}>
          {loadingMore ? 'Loading…' : 'Load more'}
        </button>
      )}

      <ConfirmDialog
        open={!!toDelete}
        title={toDelete ? `Delete ${toDelete.name}?` : ''}
        confirmLabel="Delete"
        busy={deleting}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setToDelete(null)}
      >
        {toDelete && (
          <p>
            This erases {toDelete.name} and all {toDelete.templateCount} face template{toDelete.templateCount === 1 ? '' : 's'}. They
            will be shown as unknown from now on. This cannot be undone.
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}

function PersonRow({
  person,
  keepCrops,
  onChanged,
  onDelete,
  onError,
}: {
  person: ListedPerson;
  keepCrops: boolean;
  onChanged: (p: Person) => void;
  onDelete: () => void;
  onError: (e: unknown) => void;
}) {
  const id = useId();
  const [panel, setPanel] = useState<'rename' | 'photos' | null>(null);
  const [draft, setDraft] = useState(person.name);
  const [saving, setSaving] = useState(false);

  const rename = async (e: React.FormEvent) => {
    e.preventDefault();
    const name = draft.trim();
    if (!name || name === person.name) return setPanel(null);
    setSaving(true);
    try {
      onChanged(await api.updatePerson(person.id, { name }));
      setPanel(null);
    } catch (err) {
      onError(err);
    } finally {
      setSaving(false);
    }
  };

  const toggle = (which: 'rename' | 'photos') => {
    setDraft(person.name);
    setPanel((p) => (p === which ? null : which));
  };

  return (
    <li className="space-y-3 p-4" data-person-id={person.id}>
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-lg font-medium text-slate-100">{person.name}</h2>
          <p className="text-sm text-slate-400">
            {person.templateCount} face{person.templateCount === 1 ? '' : 's'}
            {person.externalId && <> · external id {person.externalId}</>} · added {new Date(person.createdAt).toLocaleDateString()}
            {person.lastSeenAt !== undefined && (
              <>
                {' · '}
                <span data-last-seen={person.lastSeenAt ?? ''}>{lastSeenText(person.lastSeenAt)}</span>
              </>
            )}
          </p>
        </div>
        {keepCrops && person.templateCount > 0 && <FaceThumbnails personId={person.id} name={person.name} version={`${person.updatedAt}:${person.templateCount}`} />}
        <div className="flex flex-wrap gap-2">
          <button type="button" className={buttonClass.small} aria-expanded={panel === 'rename'} aria-controls={`${id}-panel`} aria-label={`Rename ${person.name}`} onClick={() => toggle('rename')}>
            Rename
          </button>
          <button type="button" className={buttonClass.small} aria-expanded={panel === 'photos'} aria-controls={`${id}-panel`} aria-label={`Add photos of ${person.name}`} onClick={() => toggle('photos')}>
            Add photos
          </button>
          <button type="button" className={buttonClass.smallDanger} aria-label={`Delete ${person.name}`} onClick={onDelete}>
            Delete
          </button>
        </div>
      </div>
      <div id={`${id}-panel`}>
        {panel === 'rename' && (
          <form onSubmit={rename} className="flex flex-col gap-2 sm:flex-row sm:items-end">
            <div className="flex-1 space-y-1">
              <label htmlFor={`${id}-name`} className="block text-sm font-medium text-slate-200">
                New name for {person.name}
              </label>
              <input
                id={`${id}-name`}
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                required
                maxLength={200}
                autoFocus
                onKeyDown={(e) => e.key === 'Escape' && setPanel(null)}
                className={inputClass}
              />
            </div>
            <div className="flex gap-2">
              <button type="submit" className={buttonClass.primary} disabled={saving || !draft.trim()}>
                {saving ? 'Saving…' : 'Save'}
              </button>
              <button type="button" className={buttonClass.secondary} onClick={() => setPanel(null)}>
                Cancel
              </button>
            </div>
          </form>
        )}
        {panel === 'photos' && (
          <PhotoUpload label={`Photos of ${person.name}`} getPersonId={async () => person.id} onUploaded={(r) => onChanged(r.person)} />
        )}
      </div>
    </li>
  );
}
