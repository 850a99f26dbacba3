'use client';

import { useId, useState } from 'react';
import { adminApi, KEY_ROLES, type ApiKeyInfo, type KeyRole } from '@/lib/client/admin-api';
import { describeError } from '@/lib/client/messages';
import { timeText } from './admin-format';
import { Banner } from './Banner';
import { ConfirmDialog } from './ConfirmDialog';
import { buttonClass, inputClass } from './styles';

const ROLE_HELP: Record<KeyRole, string> = {
  admin: 'everything, including keys and the audit trail',
  enroll: 'register, rename and delete people and their faces',
  recognize: 'recognise and verify faces',
  metrics: 'read /metrics and the detailed /ready only',
};

/** API keys: create one with a role (shown once, with a copy button), list them, revoke one. */
export function ApiKeyManager({
  keys,
  onKeysChange,
  onChanged,
}: {
  keys: ApiKeyInfo[];
  onKeysChange: (keys: ApiKeyInfo[]) => void;
  /** A key was created or revoked. */
  onChanged: () => void;
}) {
  const id = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<KeyRole>('recognize');
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<{ name: string; role: KeyRole; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [toRevoke, setToRevoke] = useState<ApiKeyInfo | null>(null);
  const [revoking, setRevoking] = useState(false);

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    setCreating(true);
    try {
      const { key, ...info } = await adminApi.createKey({ name: name.trim(), role });
      setCreated({ name: info.name, role: info.role, secret: key });
      setName('');
      onKeysChange([...keys, info]);
      onChanged();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setCreating(false);
    }
  };

  const revoke = async () => {
    if (!toRevoke) return;
    setRevoking(true);
    try {
      await adminApi.revokeKey(toRevoke.id);
      onKeysChange(keys.filter((k) => k.id !== toRevoke.id));
      setNotice(`The key “${toRevoke.name}” was revoked: it is refused from now on.`);
      onChanged();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setToRevoke(null);
      setRevoking(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} className="space-y-3">
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        API keys
      </h2>

      <form onSubmit={create} className="flex flex-col gap-3 rounded-lg border border-slate-800 bg-slate-900/60 p-4 sm:flex-row sm:items-end">
        <div className="flex-1 space-y-1">
          <label htmlFor={`${id}-name`} className="block text-sm font-medium text-slate-200">
            Key name
          </label>
          <input
            id={`${id}-name`}
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={100}
            autoComplete="off"
            placeholder="Front door camera"
            className={inputClass}
          />
        </div>
        <div className="space-y-1 sm:w-56">
          <label htmlFor={`${id}-role`} className="block text-sm font-medium text-slate-200">
            Role
          </label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as KeyRole)} aria-describedby={`${id}-role-help`} className={inputClass}>
            {KEY_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClass.primary} disabled={creating || !name.trim()}>
          {creating ? 'Creating…' : 'Create key'}
        </button>
        <p id={`${id}-role-help`} className="sr-only">
          {role}: {ROLE_HELP[role]}
        </p>
      </form>
      <p className="text-sm text-slate-400">
        <span className="font-medium text-slate-300">{role}</span>: {ROLE_HELP[role]}.
      </p>

      {error && (
        <Banner tone="error" title="That did not work">
          {error}
        </Banner>
      )}
      <div aria-live="polite" className="space-y-3">
        {created && <NewKey name={created.name} role={created.role} secret={created.secret} onDismiss={() => setCreated(null)} />}
        {notice && <Banner tone="success" title={notice} />}
      </div>

      <div className="overflow-x-auto rounded-lg border border-slate-800 bg-slate-900/60">
        <table className="w-full text-left text-sm" aria-label="API keys">
          <thead className="border-b border-slate-800 text-slate-400">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">Name</th>
              <th scope="col" className="px-3 py-2 font-medium">Role</th>
              <th scope="col" className="px-3 py-2 font-medium">Created</th>
              <th scope="col" className="px-3 py-2 font-medium">Last used</th>
              <th scope="col" className="px-3 py-2 font-medium"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-800">
            {keys.length === 0 && (
              <tr>
                <td colSpan={5} className="px-3 py-3 text-slate-400">
                  No keys yet besides the configured admin key.
                </td>
              </tr>
            )}
            {keys.map((k) => (
              <tr key={k.id} data-key-id={k.id}>
                <th scope="row" className="px-3 py-2 font-medium text-slate-100">{k.name}</th>
                <td className="px-3 py-2">{k.role}</td>
                <td className="px-3 py-2 whitespace-nowrap">{timeText(k.createdAt)}</td>
                <td className="px-3 py-2 whitespace-nowrap" data-last-used>{timeText(k.lastUsedAt)}</td>
                <td className="px-3 py-2 text-right">
                  <button type="button" className={buttonClass.smallDanger} aria-label={`Revoke ${k.name}`} onClick={() => setToRevoke(k)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <ConfirmDialog
        open={!!toRevoke}
        title={toRevoke ? `Revoke “${toRevoke.name}”?` : ''}
        confirmLabel="Revoke"
        busyLabel="Revoking…"
        busy={revoking}
        onConfirm={() => void revoke()}
        onCancel={() => setToRevoke(null)}
      >
        {toRevoke && (
          <p>
            Every request with this {toRevoke.role} key is refused from now on, including any camera or script that uses it. This cannot
            be undone: make a new key instead.
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}

/** The key just made: shown this once (only its hash is stored), with a copy button. */
function NewKey({ name, role, secret, onDismiss }: { name: string; role: KeyRole; secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('yes');
    } catch {
      // No clipboard (a page served over plain HTTP from another machine): the key can still be selected.
      setCopied('failed');
    }
  };
  return (
    <Banner
      tone="success"
      title={`Key “${name}” (${role}) created: copy it now, it is not shown again`}
      action={
        <div className="flex gap-2">
          <button type="button" className={buttonClass.primary} onClick={() => void copy()}>
            {copied === 'yes' ? 'Copied' : 'Copy'}
          </button>
          <button type="button" className={buttonClass.secondary} onClick={onDismiss}>
            Done
          </button>
        </div>
      }
    >
      <code data-testid="new-key" className="mt-1 block break-all rounded bg-slate-950/70 px-2 py-1 font-mono text-emerald-100 select-all">
        {secret}
      </code>
      {copied === 'failed' && <span className="mt-1 block">This browser refused the clipboard here: select the key and copy it.</span>}
    </Banner>
  );
}
