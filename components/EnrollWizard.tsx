'use client';

import Link from 'next/link';
import { useEffect, useId, useRef, useState } from 'react';
import { api, ApiClientError, isAbort, type AddFacesResult, type Person, type RejectReason } from '@/lib/client/api';
import { canvasThumbnail, captureFrame } from '@/lib/client/camera';
import { abortableSleep } from '@/lib/client/frame-loop';
import { describeError, describeReason } from '@/lib/client/messages';
import { useAppStore } from '@/lib/client/store';
import { Banner, CameraErrorBanner } from './Banner';
import { PhotoUpload } from './PhotoUpload';
import { buttonClass, inputClass } from './styles';
import { useCamera } from './use-camera';

/** Accepted camera shots a registration needs before it is offered as done. */
export const REQUIRED_SHOTS = 3;

/** The guided poses, in order; then extra shots are optional. */
const PROMPTS = [
  { title: 'Look straight at the camera', hint: 'Face the lens, eyes open, neutral expression.' },
  { title: 'Turn your head slightly to the left', hint: 'A small turn, about a quarter of the way; keep looking ahead.' },
  { title: 'Turn your head slightly to the right', hint: 'The same small turn, to the other side.' },
];
const EXTRA_PROMPT = { title: 'One more shot, if you like', hint: 'Vary the pose or the light a little: more shots make recognition sturdier.' };

/** Candidate frames for one Capture press: sent one at a time until one is accepted, or time runs out. */
const CAPTURE = { maxWidth: 960, quality: 0.9, windowMs: 8000, pauseMs: 250 } as const;

type Mode = 'camera' | 'upload';

interface Shot {
  faceId: string;
  thumbnail: string;
}

type Attempt =
  | { status: 'idle' }
  | { status: 'trying'; reasons: RejectReason[] | null }
  | { status: 'accepted' }
  | { status: 'gave-up'; reasons: RejectReason[] | null }
  | { status: 'error'; message: string };

/**
 * Registration: a name (and optional external id), then guided camera shots or uploaded
 * photos. The person is created on the first shot or upload, so opening the camera and
 * leaving creates nobody. Each accepted image is a face template at once.
 */
export function EnrollWizard() {
  const formId = useId();
  const requestKey = useAppStore((s) => s.requestKey);
  const [name, setName] = useState('');
  const [externalId, setExternalId] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [person, setPerson] = useState<Person | null>(null);
  const [mode, setMode] = useState<Mode | null>(null);
  const [shots, setShots] = useState<Shot[]>([]);
  const [attempt, setAttempt] = useState<Attempt>({ status: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const [deleted, setDeleted] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const { videoRef, status: cameraStatus, error: cameraError, size: cameraSize, start: startCamera, stop: stopCamera } = useCamera();
  const creating = useRef<Promise<Person> | null>(null);
  const captureAbort = useRef<AbortController | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  const accepted = person?.templateCount ?? 0;
  const required = mode === 'upload' ? 1 : REQUIRED_SHOTS;
  const ready = accepted >= required;
  const capturing = attempt.status === 'trying';

  useEffect(() => () => captureAbort.current?.abort(), []);

  // The <video> exists only in camera mode: start the camera once it is rendered.
  useEffect(() => {
    if (mode === 'camera') void startCamera();
    else stopCamera();
  }, [mode, startCamera, stopCamera]);

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

  const choose = (m: Mode) => {
    if (!checkName()) return;
    setError(null);
    captureAbort.current?.abort();
    setMode(m);
  };

  const onResult = (result: AddFacesResult) => {
    setPerson(result.person);
    setTried(true);
  };

  /** One Capture press: candidate frames until one is accepted, with live reasons for refusals. */
  const capture = async () => {
    const video = videoRef.current;
    if (!video || capturing) return;
    setError(null);
    const controller = new AbortController();
    captureAbort.current = controller;
    const canvas = document.createElement('canvas');
    const until = performance.now() + CAPTURE.windowMs;
    let reasons: RejectReason[] | null = null;
    setAttempt({ status: 'trying', reasons: null });
    try {
      const p = await ensurePerson();
      while (!controller.signal.aborted && performance.now() < until) {
        const frame = await captureFrame(video, canvas, CAPTURE);
        if (!frame) {
          await abortableSleep(100, controller.signal);
          continue;
        }
        const thumbnail = canvasThumbnail(canvas);
        const result = await api.addFaces(p.id, [frame.blob], 'camera', { signal: controller.signal });
        onResult(result);
        const r = result.results[0];
        if (r?.accepted) {
          setShots((s) => [...s, { faceId: r.faceId, thumbnail }]);
          setAttempt({ status: 'accepted' });
          return;
        }
        reasons = r ? r.reasons : ['no-face'];
        setAttempt({ status: 'trying', reasons });
        await abortableSleep(CAPTURE.pauseMs, controller.signal);
      }
      setAttempt(controller.signal.aborted ? { status: 'idle' } : { status: 'gave-up', reasons });
    } catch (e) {
      if (isAbort(e)) return setAttempt({ status: 'idle' });
      setAttempt({ status: 'error', message: describeError(e) });
      fail(e);
    } finally {
      setTried(true);
      if (captureAbort.current === controller) captureAbort.current = null;
    }
  };

  const restart = () => {
    captureAbort.current?.abort();
    setPerson(null);
    setMode(null);
    setShots([]);
    setAttempt({ status: 'idle' });
    setError(null);
    setTried(false);
    setName('');
    setExternalId('');
  };

  const removePerson = async () => {
    if (!person) return;
    setDeleting(true);
    try {
      await api.deletePerson(person.id);
      setDeleted(person.name);
      restart();
    } catch (e) {
      fail(e);
    } finally {
      setDeleting(false);
    }
  };

  const prompt = PROMPTS[shots.length] ?? EXTRA_PROMPT;
  const shotNumber = shots.length + 1;

  return (
    <div className="space-y-6">
      {deleted && !person && (
        <Banner tone="info" title={`${deleted} was deleted`}>
          Nothing of them is kept. You can register someone now.
        </Banner>
      )}

      <form
        id={formId}
        onSubmit={(e) => {
          e.preventDefault();
          choose('camera');
        }}
        className="space-y-4 rounded-lg border border-slate-800 bg-slate-900/60 p-4"
        aria-labelledby={`${formId}-title`}
      >
        <h2 id={`${formId}-title`} className="text-lg font-semibold">
          1. Who is it?
        </h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <div className="space-y-1">
            <label htmlFor={`${formId}-name`} className="block font-medium text-slate-200">
              Name
            </label>
            <input
              ref={nameRef}
              id={`${formId}-name`}
              value={name}
              onChange={(e) => setName(e.target.value)}
              required
              maxLength={200}
              autoComplete="off"
              readOnly={!!person}
              aria-invalid={!!nameError}
              aria-describedby={nameError ? `${formId}-name-error` : undefined}
              className={`${inputClass} read-only:border-slate-800 read-only:text-slate-300`}
            />
            {nameError && (
              <p id={`${formId}-name-error`} className="text-sm text-red-300">
                {nameError}
              </p>
            )}
          </div>
          <div className="space-y-1">
            <label htmlFor={`${formId}-ext`} className="block font-medium text-slate-200">
              External id <span className="font-normal text-slate-400">(optional)</span>
            </label>
            <input
              id={`${formId}-ext`}
              value={externalId}
              onChange={(e) => setExternalId(e.target.value)}
              maxLength={200}
              autoComplete="off"
              readOnly={!!person}
              aria-describedby={`${formId}-ext-help`}
              className={`${inputClass} read-only:border-slate-800 read-only:text-slate-300`}
            />
            <p id={`${formId}-ext-help`} className="text-sm text-slate-400">
              An id from another system (badge number, employee id), returned with every match.
            </p>
          </div>
        </div>
        {person && (
          <p className="text-sm text-slate-300">
            Registering <strong className="text-slate-100">{person.name}</strong>. Faces are added to this person as they are
            accepted.
          </p>
        )}
        <div className="flex flex-wrap gap-2" role="group" aria-label="How to add faces">
          <button type="submit" className={mode === 'camera' ? buttonClass.primary : buttonClass.secondary} aria-pressed={mode === 'camera'}>
            Start camera
          </button>
          <button
            type="button"
            className={mode === 'upload' ? buttonClass.primary : buttonClass.secondary}
            aria-pressed={mode === 'upload'}
            onClick={() => choose('upload')}
          >
            Upload photos
          </button>
        </div>
      </form>

      {error && (
        <Banner tone="error" title="That did not work">
          {error}
        </Banner>
      )}

      {mode && (
        <section aria-labelledby={`${formId}-faces`} className="space-y-4 rounded-lg border border-slate-800 bg-slate-900/60 p-4">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h2 id={`${formId}-faces`} className="text-lg font-semibold">
              2. {mode === 'camera' ? 'Guided shots' : 'Photos'}
            </h2>
            <p className="text-slate-200" aria-live="polite" data-testid="accepted-count">
              Accepted {mode === 'camera' ? 'shots' : 'faces'}:{' '}
              <strong className={ready ? 'text-emerald-300' : 'text-slate-100'}>{accepted}</strong>
              {mode === 'camera' && <> of {REQUIRED_SHOTS}</>}
            </p>
          </div>

          {mode === 'camera' && (
            <div className="grid gap-4 md:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
              <div className="space-y-2">
                <div
                  className="relative overflow-hidden rounded-lg border border-slate-800 bg-slate-950"
                  style={{ aspectRatio: cameraSize ? `${cameraSize.width} / ${cameraSize.height}` : '4 / 3' }}
                >
                  <video ref={videoRef} className="absolute inset-0 h-full w-full" muted playsInline aria-label="Camera view" />
                  {/* Where the face should be: a guide, not a requirement. */}
                  <div
                    aria-hidden="true"
                    className={`pointer-events-none absolute left-1/2 top-1/2 h-[70%] w-auto -translate-x-1/2 -translate-y-1/2 rounded-[50%] border-2 border-dashed ${
                      attempt.status === 'accepted' ? 'border-emerald-400' : capturing ? 'border-sky-300' : 'border-slate-300/50'
                    }`}
                    style={{ aspectRatio: '3 / 4' }}
                  />
                  {cameraStatus !== 'on' && (
                    <div className="absolute inset-0 flex items-center justify-center p-4 text-center text-slate-400">
                      {cameraStatus === 'starting' ? 'Waiting for the camera… allow access if the browser asks.' : 'Camera off'}
                    </div>
                  )}
                </div>
                {cameraStatus === 'error' && (
                  <CameraErrorBanner message={cameraError} onRetry={() => void startCamera()} hint="You can upload photos instead." />
                )}
              </div>

              <div className="space-y-4">
                <div>
                  <p className="text-sm text-slate-400">{shots.length < REQUIRED_SHOTS ? `Shot ${shotNumber} of ${REQUIRED_SHOTS}` : `Shot ${shotNumber} (optional)`}</p>
                  <p className="text-lg font-medium text-slate-100">{prompt.title}</p>
                  <p className="text-sm text-slate-300">{prompt.hint}</p>
                </div>
                <div className="flex flex-wrap gap-2">
                  <button
                    type="button"
                    className={ready ? buttonClass.secondary : buttonClass.primary}
                    onClick={() => void capture()}
                    disabled={cameraStatus !== 'on' || capturing}
                  >
                    {capturing ? 'Capturing…' : 'Capture'}
                  </button>
                  {capturing && (
                    <button type="button" className={buttonClass.secondary} onClick={() => captureAbort.current?.abort()}>
                      Cancel
                    </button>
                  )}
                </div>
                <AttemptStatus attempt={attempt} />
              </div>
            </div>
          )}

          {mode === 'camera' && shots.length > 0 && (
            <div>
              <h3 className="mb-2 text-sm font-semibold uppercase tracking-wide text-slate-400">Accepted shots</h3>
              <ul className="flex flex-wrap gap-2">
                {shots.map((s, i) => (
                  <li key={s.faceId}>
                    {/* eslint-disable-next-line @next/next/no-img-element -- a data URL drawn in this page */}
                    <img src={s.thumbnail} alt={`Accepted shot ${i + 1}`} className="h-20 rounded border border-emerald-700/60 object-cover" />
                  </li>
                ))}
              </ul>
            </div>
          )}

          {mode === 'upload' && <PhotoUpload getPersonId={async () => (await ensurePerson()).id} onUploaded={onResult} />}

          {ready && person && (
            <Banner
              tone="success"
              title={`${person.name} is registered`}
              action={
                <div className="flex flex-wrap gap-2">
                  <Link href="/" className={buttonClass.primary}>
                    Done
                  </Link>
                  <button type="button" className={buttonClass.secondary} onClick={restart}>
                    Register someone else
                  </button>
                </div>
              }
            >
              {person.name} is recognised from now on. {mode === 'camera' ? 'More shots can still be added.' : 'More photos can still be added.'}
            </Banner>
          )}

          {person && accepted === 0 && tried && !capturing && (
            <Banner
              tone="warning"
              title={`No face of ${person.name} has been accepted yet`}
              action={
                <button type="button" className={buttonClass.danger} onClick={() => void removePerson()} disabled={deleting}>
                  {deleting ? 'Deleting…' : `Delete ${person.name}`}
                </button>
              }
            >
              Follow the hints and try again, or delete {person.name} so that no empty entry is left.
            </Banner>
          )}
        </section>
      )}
    </div>
  );
}

function AttemptStatus({ attempt }: { attempt: Attempt }) {
  const reason = (reasons: RejectReason[] | null) => (reasons?.length ? describeReason(reasons[0]) : null);
  let content: React.ReactNode = null;
  switch (attempt.status) {
    case 'idle':
      content = <p className="text-slate-400">Press Capture when ready; frames are checked until one is good.</p>;
      break;
    case 'trying': {
      const r = reason(attempt.reasons);
      content = r ? (
        <div data-refusal={attempt.reasons?.[0]}>
          <p className="font-medium text-amber-300">{r.title}</p>
          <p className="text-sm text-slate-300">{r.hint}</p>
        </div>
      ) : (
        <p className="text-sky-300">Hold still…</p>
      );
      break;
    }
    case 'accepted':
      content = <p className="font-medium text-emerald-300">Shot accepted.</p>;
      break;
    case 'gave-up': {
      const r = reason(attempt.reasons);
      content = (
        <div data-refusal={attempt.reasons?.[0]}>
          <p className="font-medium text-amber-300">{r ? `Not accepted: ${r.title.toLowerCase()}` : 'No shot was accepted'}</p>
          <p className="text-sm text-slate-300">{r ? r.hint : 'Check the camera and light.'} Then press Capture again.</p>
        </div>
      );
      break;
    }
    case 'error':
      content = <p className="text-red-300">{attempt.message}</p>;
      break;
  }
  return (
    <div aria-live="polite" className="min-h-12">
      {content}
    </div>
  );
}
