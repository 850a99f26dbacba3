'use client';

import { useCallback, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { adminApi, type ApiKeyInfo } from '@/lib/client/admin-api';
import { ApiClientError, isAbort } from '@/lib/client/api';
import { describeError } from '@/lib/client/messages';
import { useAppStore } from '@/lib/client/store';
import { ApiKeyManager } from './ApiKeyManager';
import { AuditTrail } from './AuditTrail';
import { Banner } from './Banner';
import { ServiceSettings } from './ServiceSettings';
import { buttonClass } from './styles';

type Access = { state: 'checking' } | { state: 'admin' } | { state: 'no-key' | 'not-admin' } | { state: 'failed'; message: string };

const ASK_FOR_ADMIN_KEY = 'The admin page needs a key with the "admin" role.';

/**
 * The admin page: settings, API keys, audit trail, shown only to an admin key. Listing the
 * keys is the access check (admin only): a missing or weaker key gets one message saying
 * which key is needed, not three failing sections.
 */
export function AdminPanel() {
  const { keyLoaded, keyVersion, keyRequest, requestKey } = useAppStore(
    useShallow((s) => ({ keyLoaded: s.keyLoaded, keyVersion: s.keyVersion, keyRequest: s.keyRequest, requestKey: s.requestKey })),
  );
  const [access, setAccess] = useState<Access>({ state: 'checking' });
  const [keys, setKeys] = useState<ApiKeyInfo[]>([]);
  const [reloads, setReloads] = useState(0);
  /** Bumped on each key change, so the audit trail shows the entry it made. */
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    if (!keyLoaded) return;
    const controller = new AbortController();
    adminApi.listKeys(controller.signal).then(
      (list) => {
        setKeys(list);
        setAccess({ state: 'admin' });
      },
      (e: unknown) => {
        if (controller.signal.aborted || isAbort(e)) return;
        if (e instanceof ApiClientError && e.status === 401) setAccess({ state: 'no-key' });
        else if (e instanceof ApiClientError && e.status === 403) setAccess({ state: 'not-admin' });
        else setAccess({ state: 'failed', message: describeError(e) });
      },
    );
    return () => controller.abort();
  }, [keyLoaded, keyVersion, reloads]);

  const changed = useCallback(() => setChanges((n) => n + 1), []);

  if (access.state === 'checking') return <p className="text-slate-400">Checking the key…</p>;
  if (access.state === 'failed') {
    return (
      <Banner
        tone="error"
        title="Could not open the admin page"
        action={
          <button type="button" className={buttonClass.secondary} onClick={() => setReloads((n) => n + 1)}>
            Retry
          </button>
        }
      >
        {access.message}
      </Banner>
    );
  }
  if (access.state !== 'admin') {
    // While the header's key form is open it says this itself: one message, not two.
    if (keyRequest !== null) return null;
    return (
      <Banner
        tone="warning"
        title="This page needs an admin key"
        action={
          <button type="button" className={buttonClass.secondary} onClick={() => requestKey(ASK_FOR_ADMIN_KEY)}>
            Enter admin key
          </button>
        }
      >
        {access.state === 'no-key'
          ? 'No API key is set in this tab. Enter a key with the “admin” role, or open the sign-in link the server printed on its first start.'
          : 'The key in this tab does not have the “admin” role. Enter an admin key to manage keys and read the audit trail.'}
      </Banner>
    );
  }
  return (
    <div className="space-y-8">
      <ServiceSettings />
      <ApiKeyManager keys={keys} onKeysChange={setKeys} onChanged={changed} />
      <AuditTrail keys={keys} changes={changes} />
    </div>
  );
}
