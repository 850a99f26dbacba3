'use client';

import { useEffect, useId, useState } from 'react';
import { adminApi, AUDIT_ACTIONS, type ApiKeyInfo, type AuditAction, type AuditEntry, type AuditFilter } from '@/lib/client/admin-api';
import { ApiClientError } from '@/lib/client/api';
import { describeError } from '@/lib/client/messages';
import { localInputToIso, timeText } from './admin-format';
import { Banner } from './Banner';
import { buttonClass, inputClass } from './styles';

const PAGE_SIZE = 50;

/** The form's fields: times as the `datetime-local` inputs hold them (local time). */
interface FilterDraft {
  personId: string;
  actor: string;
  action: AuditAction | '';
  since: string;
  until: string;
}

const NO_FILTER: FilterDraft = { personId: '', actor: '', action: '', since: '', until: '' };

/** A 404 here means a server without the audit route (an older version), not a deleted entry. */
const auditProblem = (e: unknown): string =>
  e instanceof ApiClientError && e.status === 404 && e.code === 'not_found' ? 'This server keeps no audit trail: it runs a version from before the audit API.' : describeError(e);

const toFilter = (d: FilterDraft): AuditFilter => ({
  personId: d.personId,
  actor: d.actor,
  action: d.action || undefined,
  since: localInputToIso(d.since),
  until: localInputToIso(d.until),
});

/**
 * The audit trail, newest first: filters by person, actor, action and time, and "Older" pages
 * on with the server's cursor. `changes` bumps when this page changed something, to show its entry.
 */
export function AuditTrail({ keys, changes }: { keys: ApiKeyInfo[]; changes: number }) {
  const id = useId();
  const [draft, setDraft] = useState<FilterDraft>(NO_FILTER);
  const [applied, setApplied] = useState<FilterDraft>(NO_FILTER);
  const [reloads, setReloads] = useState(0);
  const [list, setList] = useState<{ key: string; entries: AuditEntry[]; next: string | null; error: string | null } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);

  const listKey = `${changes}:${reloads}:${JSON.stringify(applied)}`;
  useEffect(() => {
    const controller = new AbortController();
    adminApi.audit(toFilter(applied), null, PAGE_SIZE, controller.signal).then(
      (page) => setList({ key: listKey, entries: page.entries, next: page.nextCursor, error: null }),
      (e: unknown) => {
        if (!controller.signal.aborted) setList({ key: listKey, entries: [], next: null, error: auditProblem(e) });
      },
    );
    return () => controller.abort();
  }, [listKey, applied]);

  const loading = !list || list.key !== listKey;
  const entries = list?.entries ?? [];
  const next = list?.next ?? null;

  const loadOlder = async () => {
    if (!next) return;
    setLoadingOlder(true);
    try {
      const page = await adminApi.audit(toFilter(applied), next, PAGE_SIZE);
      setList((l) => (l ? { ...l, entries: [...l.entries, ...page.entries], next: page.nextCursor } : l));
    } catch (e) {
      setList((l) => (l ? { ...l, error: auditProblem(e) } : l));
    } finally {
      setLoadingOlder(false);
    }
  };

  const field = (name: keyof FilterDraft) => ({
    id: `${id}-${name}`,
    value: draft[name],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setDraft((d) => ({ ...d, [name]: e.target.value })),
  });
  const filtered = JSON.stringify(applied) !== JSON.stringify(NO_FILTER);

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        Audit trail
      </h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
        }}
        aria-label="Audit filters"
        className="grid gap-3 rounded-lg border border-slate-800 bg-slate-900/60 p-4 sm:grid-cols-2 lg:grid-cols-3"
      >
        <div className="space-y-1">
          <label htmlFor={`${id}-action`} className="block text-sm font-medium text-slate-200">
            Action
          </label>
          <select {...field('action')} className={inputClass}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-actor`} className="block text-sm font-medium text-slate-200">
            Actor
          </label>
          <input {...field('actor')} list={`${id}-actors`} autoComplete="off" spellCheck={false} placeholder="Key id, or admin" className={inputClass} />
          <datalist id={`${id}-actors`}>
            <option value="admin">the configured admin key</option>
            {keys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name} ({k.role})
              </option>
            ))}
          </datalist>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-personId`} className="block text-sm font-medium text-slate-200">
            Person id
          </label>
          <input {...field('personId')} autoComplete="off" spellCheck={false} placeholder="UUID" className={inputClass} />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-since`} className="block text-sm font-medium text-slate-200">
            From
          </label>
          <input {...field('since')} type="datetime-local" step={1} className={inputClass} />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-until`} className="block text-sm font-medium text-slate-200">
            Until
          </label>
          <input {...field('until')} type="datetime-local" step={1} className={inputClass} />
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className={buttonClass.primary}>
            Filter
          </button>
          {filtered && (
            <button
              type="button"
              className={buttonClass.secondary}
              onClick={() => {
                setDraft(NO_FILTER);
                setApplied(NO_FILTER);
              }}
            >
              Clear
            </button>
          )}
          <button type="button" className={buttonClass.secondary} onClick={() => setReloads((n) => n + 1)}>
            Refresh
          </button>
        </div>
      </form>

      {list?.error && (
        <Banner tone="error" title="Could not load the audit trail">
          {list.error}
        </Banner>
      )}
      <p className="text-sm text-slate-400" aria-live="polite">
        {loading ? 'Loading…' : list?.error ? '' : entries.length === 0 ? (filtered ? 'No entry matches these filters.' : 'No changes recorded yet.') : `${entries.length}${next ? '+' : ''} ${entries.length === 1 ? 'entry' : 'entries'}, newest first`}
      </p>

      {entries.length > 0 && (
        <div className="overflow-x-auto rounded-lg border border-slate-800 bg-slate-900/60">
          <table className="w-full text-left text-sm" aria-label="Audit trail">
            <thead className="border-b border-slate-800 text-slate-400">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">Time</th>
                <th scope="col" className="px-3 py-2 font-medium">Action</th>
                <th scope="col" className="px-3 py-2 font-medium">Actor</th>
                <th scope="col" className="px-3 py-2 font-medium">Target</th>
                <th scope="col" className="px-3 py-2 font-medium">Address</th>
                <th scope="col" className="px-3 py-2 font-medium">Details</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-800">
              {entries.map((e) => (
                <AuditRow key={e.id} entry={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {next && (
        <button type="button" className={buttonClass.secondary} disabled={loadingOlder} onClick={() => void loadOlder()}>
          {loadingOlder ? 'Loading…' : 'Older'}
        </button>
      )}
    </section>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const targets = (
    [
      ['person', entry.personId],
      ['face', entry.faceId],
      ['key', entry.keyId],
    ] as const
  ).filter(([, v]) => v);
  return (
    <tr data-audit-action={entry.action}>
      <td className="px-3 py-2 whitespace-nowrap">{timeText(entry.at)}</td>
      <td className="px-3 py-2 font-mono text-xs text-slate-100">{entry.action}</td>
      <td className="px-3 py-2">
        {entry.actor.name}
        {entry.actor.kind !== 'key' && <span className="text-slate-400"> ({entry.actor.kind})</span>}
      </td>
      <td className="px-3 py-2 font-mono text-xs">
        {targets.length === 0
          ? '–'
          : targets.map(([kind, v]) => (
              <span key={kind} className="block" title={v ?? undefined}>
                {kind} {v?.slice(0, 8)}
              </span>
            ))}
      </td>
      <td className="px-3 py-2 font-mono text-xs">{entry.address ?? '–'}</td>
      <td className="px-3 py-2 font-mono text-xs text-slate-300">
        {entry.details ? Object.entries(entry.details).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ') : '–'}
      </td>
    </tr>
  );
}
