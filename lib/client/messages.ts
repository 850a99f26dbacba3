/** Words for people: refusal reasons and request failures, each with what to do about it. */
import { ApiClientError, type RejectReason } from './api';

export interface ReasonText {
  /** Short, shown as the headline. */
  title: string;
  /** What to do about it. */
  hint: string;
}

const REASONS: Record<RejectReason, ReasonText> = {
  'no-face': { title: 'No face found', hint: 'Look at the camera, with your whole face in the frame and enough light.' },
  'several-faces': { title: 'More than one face', hint: 'Only the person being registered should be in view.' },
  'too-small': { title: 'Face too small', hint: 'Move closer to the camera, or use a photo where the face is larger.' },
  blurred: { title: 'Image blurred', hint: 'Hold still, and make sure the lens is clean and the face is well lit.' },
  'turned-away': { title: 'Head turned too far', hint: 'Face the camera more directly: only a slight turn is wanted.' },
  'low-confidence': { title: 'Face not clear enough', hint: 'Improve the light and remove anything covering the face.' },
  'cut-off': { title: 'Face cut off', hint: 'Keep the whole face inside the frame.' },
  unreadable: { title: 'Not a readable image', hint: 'Use a JPEG, PNG or WebP photo.' },
};

export function describeReason(reason: string): ReasonText {
  return REASONS[reason as RejectReason] ?? { title: reason.replace(/[-_]/g, ' '), hint: 'Try another shot.' };
}

/** One sentence for a failed request, for forms and lists. */
export function describeError(e: unknown): string {
  if (!(e instanceof ApiClientError)) return 'Something went wrong in the page; reload and try again.';
  if (e.unreachable) return e.code === 'timeout' ? 'The server took too long to answer; try again.' : 'Cannot reach the server; check that it is running and try again.';
  switch (e.status) {
    case 401:
      return 'This needs an API key: enter one under "API key" at the top of the page.';
    case 403:
      return 'This API key is not allowed to do that: use a key with the "enroll" or "admin" role.';
    case 404:
      return 'Not found: it may have been deleted meanwhile.';
    case 413:
      return 'The image is too large; use a smaller one.';
    case 415:
      return 'Use a JPEG, PNG or WebP image.';
    case 429:
      return `Too many requests; wait ${e.retryAfterS ?? 'a few'} s and try again.`;
    case 503:
      return `The server is busy or starting; wait ${e.retryAfterS ?? 'a few'} s and try again.`;
    default:
      return e.status >= 500 ? 'The server failed; try again, and see its log if it keeps failing.' : e.message;
  }
}

/** Seconds for a countdown text, at least 1. */
export function secondsText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return `${s} s`;
}
