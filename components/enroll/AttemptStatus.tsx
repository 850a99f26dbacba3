import type { RejectReason } from '@/lib/client/api';
import { describeReason } from '@/lib/client/messages';
import type { Attempt } from './use-guided-capture';

/** How the current Capture press is going, read out politely: waiting, the refusal reason, accepted. */
export function AttemptStatus({ attempt }: { attempt: Attempt }) {
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
