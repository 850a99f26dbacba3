'use client';

import { useRef, useState } from 'react';
import { api, ApiClientError, type AddFacesResult, type Person } from '@/lib/client/api';
import { describeError } from '@/lib/client/messages';
import { useAppStore } from '@/lib/client/store';

export type Mode = 'camera' | 'upload';

/**
 * The registration's state: the name form, the person (created on the first shot or upload,
 * so opening the camera and leaving creates nobody), the chosen way of adding faces, and
 * the page-level error and deletion notice.
 */
export function useRegistration() {
  const requestKey = useAppStore((s) => s.requestKey);
  const [name, setName] = useState('');
  const [externalId, setExternalId] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [person, setPerson] = useState<Person | null>(null);
  const [mode, setMode] = useState<Mode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleted, setDeleted] = useState<string | null>(null);
  /** A shot or upload was tried: only then is "no face accepted yet" worth saying. */
  const [tried, setTried] = useState(false);
  const creating = useRef<Promise<Person> | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const fail = (e: unknown) => {
    if (e instanceof ApiClientError && e.needsKey) requestKey(describeError(e));
    setError(describeError(e));
  };

  /** The person being registered, created on first need (once, even if asked twice at once). */
  const ensurePerson = async (): Promise<Person> => {
    if (person) return person;
    creating.current ??= api
      .createPerson({ name: name.trim(), externalId: externalId.trim() || null })
      .then((p) => {
        setPerson(p);
        return p;
      })
      .finally(() => {
        creating.current = null;
      });
    return creating.current;
  };

  const checkName = (): boolean => {
    if (person) return true;
    if (!name.trim()) {
      setNameError('Enter the name of the person to register.');
      nameRef.current?.focus();
      return false;
    }
    setNameError(null);
    return true;
  };

  /** Switches to camera or upload once a name is given; false when the name is missing. */
  const choose = (m: Mode): boolean => {
    if (!checkName()) return false;
    setError(null);
    setMode(m);
    return true;
  };

  const onResult = (result: AddFacesResult) => {
    setPerson(result.person);
    setTried(true);
  };

  const reset = () => {
    setPerson(null);
    setMode(null);
    setError(null);
    setTried(false);
    setName('');
    setExternalId('');
  };

  /** Deletes the person being registered (nothing accepted yet), then starts over. */
  const removePerson = async (): Promise<boolean> => {
    if (!person) return false;
    setDeleting(true);
    try {
      await api.deletePerson(person.id);
      setDeleted(person.name);
      reset();
      return true;
    } catch (e) {
      fail(e);
      return false;
    } finally {
      setDeleting(false);
    }
  };

  return {
    name,
    setName,
    externalId,
    setExternalId,
    nameError,
    nameRef,
    person,
    mode,
    error,
    clearError: () => setError(null),
    deleting,
    deleted,
    tried,
    markTried: () => setTried(true),
    fail,
    ensurePerson,
    choose,
    onResult,
    reset,
    removePerson,
  };
}
