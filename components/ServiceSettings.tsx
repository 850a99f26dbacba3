'use client';

import { useEffect, useState } from 'react';
import { adminApi, type InfoDetails, type ReadyDetails } from '@/lib/client/admin-api';
import { describeError } from '@/lib/client/messages';
import { percentText } from './admin-format';
import { Banner } from './Banner';
import { buttonClass } from './styles';

/** The service's settings as /info and /ready report them to a key, with what they mean. */
export function ServiceSettings() {
  const [state, setState] = useState<{ info: InfoDetails; ready: ReadyDetails } | { error: string } | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([adminApi.info(controller.signal), adminApi.ready(controller.signal)]).then(
      ([info, ready]) => setState({ info, ready }),
      (e: unknown) => {
        if (!controller.signal.aborted) setState({ error: describeError(e) });
      },
    );
    return () => controller.abort();
  }, [reloads]);

  return (
    <section aria-labelledby="settings-title" className="space-y-3">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id="settings-title" className="text-lg font-semibold">
          Service
        </h2>
        <button type="button" className={buttonClass.small} onClick={() => setReloads((n) => n + 1)}>
          Refresh
        </button>
      </div>
      {!state && <p className="text-sm text-slate-400">Loading…</p>}
      {state && 'error' in state && (
        <Banner tone="error" title="Could not read the settings">
          {state.error}
        </Banner>
      )}
      {state && 'info' in state && <SettingsList info={state.info} ready={state.ready} />}
    </section>
  );
}

function SettingsList({ info, ready }: { info: InfoDetails; ready: ReadyDetails }) {
  const op = ready.recognition;
  const index = ready.registry.index;
  const rows: [string, React.ReactNode][] = [
    ['Model', <>{info.model}{info.version ? <span className="text-slate-400"> · facerec {info.version}</span> : null}</>],
    [
      'Recognition threshold',
      <>
        A face is named only when its evidence clears a bar set so that at most{' '}
        <strong className="text-slate-100">{percentText(op.targetFpir)}</strong> of strangers are named as someone (the target
        false-positive identification rate).
        {op.galleryPeople !== undefined && op.threshold !== undefined && (
          <>
            {' '}
            With <strong className="text-slate-100">{op.galleryPeople}</strong> {op.galleryPeople === 1 ? 'person' : 'people'} in the
            gallery, today&rsquo;s bar is <strong className="text-slate-100" data-setting="bar">{op.threshold}</strong> on the decision
            score; it rises as the gallery grows.
          </>
        )}
      </>,
    ],
    ['Calibration', <span key="calibration" className="text-slate-400">{op.calibration}</span>],
    [
      'Verify (1:1)',
      <>
        Two photos are the same person at cosine similarity <strong className="text-slate-100">{info.threshold}</strong> or more
        (false match rate {percentText(info.targetFmr)}).
      </>,
    ],
    ['Workers', <span key="workers" data-setting="workers">{ready.workers}</span>],
    ['Queue', `${ready.queueDepth} request${ready.queueDepth === 1 ? '' : 's'} waiting`],
    [
      'Registry',
      <span key="registry" data-setting="registry">
        {ready.registry.people} {ready.registry.people === 1 ? 'person' : 'people'}, {ready.registry.templates} face template
        {ready.registry.templates === 1 ? '' : 's'}
        {ready.registry.staleTemplates > 0 && `, ${ready.registry.staleTemplates} of another model awaiting re-embedding`}
      </span>,
    ],
    [
      'Index',
      index.kind === 'exact' ? 'exact search' : `approximate (HNSW)${index.building ? ', building: exact answers meanwhile' : ''}`,
    ],
    ['Public recognition', info.publicRecognition ? 'on: recognition needs no key (names only above the bar)' : 'off: recognition needs a key'],
    ['Face crops', info.keepCrops ? 'kept (shown on the People page)' : 'not kept'],
  ];
  return (
    <dl className="grid gap-x-6 gap-y-2 rounded-lg border border-slate-800 bg-slate-900/60 p-4 text-sm sm:grid-cols-[10rem_1fr]">
      {rows.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="font-medium text-slate-400">{term}</dt>
          <dd className="text-slate-200">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
