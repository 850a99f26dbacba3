'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '@/lib/client/store';
import { buttonClass, inputClass } from './styles';

/**
 * The API key control in the header: a button that opens a small form. The key is kept in
 * this tab's sessionStorage only. The form opens by itself when the server asks for a key.
 */
export function ApiKeyField() {
  const { apiKey, keyLoaded, keyRequest, loadApiKey, setApiKey, requestKey } = useAppStore(
    useShallow((s) => ({
      apiKey: s.apiKey,
      keyLoaded: s.keyLoaded,
      keyRequest: s.keyRequest,
      loadApiKey: s.loadApiKey,
      setApiKey: s.setApiKey,
      requestKey: s.requestKey,
    })),
  );
  const [toggled, setToggled] = useState(false);
  // Open when the user opened it, or when a page said the server wants a key.
  const open = toggled || keyRequest !== null;
  const setOpen = (next: boolean) => {
    setToggled(next);
    if (!next) requestKey(null);
  };
  const [draft, setDraft] = useState('');
  const inputRef = useRef<HTMLInputElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!keyLoaded) loadApiKey();
  }, [keyLoaded, loadApiKey]);

  // Focus the field whenever the form opens: the user is asked to act.
  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    setApiKey(draft);
    setDraft('');
    setOpen(false);
  };

  return (
    <div className="ml-auto">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        aria-label={`API key${apiKey ? ' (set)' : ' (not set)'}`}
        className="flex items-center gap-1.5 rounded border border-slate-700 px-2 py-1 text-sm text-slate-200 hover:border-slate-500 hover:text-white focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-400 sm:px-2.5"
      >
        <span aria-hidden="true" className={`inline-block h-2 w-2 rounded-full ${apiKey ? 'bg-emerald-400' : 'bg-slate-500'}`} />
        <span className="hidden sm:inline">API key</span>
        <span className="sm:hidden">Key</span>
      </button>
      <div
        id={panelId}
        hidden={!open}
        className="absolute inset-x-0 top-full z-20 border-b border-slate-800 bg-slate-900 shadow-xl"
      >
        <form onSubmit={save} className="mx-auto flex max-w-5xl flex-col gap-3 px-4 py-4 sm:flex-row sm:items-end">
          <div className="flex-1 space-y-1">
            {keyRequest && (
              <p className="text-sm text-amber-200" role="alert">
                {keyRequest}
              </p>
            )}
            <label htmlFor={`${panelId}-key`} className="block text-sm font-medium text-slate-200">
              API key
            </label>
            <input
              ref={inputRef}
              id={`${panelId}-key`}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder={apiKey ? 'A key is set; enter another to replace it' : 'Paste a key'}
              aria-describedby={`${panelId}-help`}
              className={inputClass}
            />
            <p id={`${panelId}-help`} className="text-xs text-slate-400">
              Kept in this browser tab only, and sent with each request. Registering and managing people needs a key with the
              &ldquo;enroll&rdquo; or &ldquo;admin&rdquo; role.
            </p>
          </div>
          <div className="flex gap-2">
            <button
              type="submit"
              disabled={!draft.trim()}
              className={buttonClass.primary}
            >
              Save key
            </button>
            {apiKey && (
              <button
                type="button"
                onClick={() => {
                  setApiKey(null);
                  setOpen(false);
                }}
                className={buttonClass.secondary}
              >
                Forget key
              </button>
            )}
          </div>
        </form>
      </div>
    </div>
  );
}
