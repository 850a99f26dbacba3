/**
 * Words for people: refusal reasons and request failures, each with what to do about it. The
 * tables are keyed by the contract's lists, so a reason or error code added there without words
 * here fails to compile (and tests/unit/contract.test.ts).
 */
import type { ErrorCode } from '@/lib/contract/errors';
import { ApiClientError, type RejectReason } from './api';

export interface ReasonText {
  /** Short, shown as the headline. */
  title: string;
  /** What to do about it. */
  hint: string;
}

export const REASON_TEXT = {
  'no-face': { title: 'No face found', hint: 'Look at the camera, with your whole face in the frame and enough light.' },
  'several-faces': { title: 'More than one face', hint: 'Only the person being registered should be in view.' },
  'too-small': { title: 'Face too small', hint: 'Move closer to the camera, or use a photo where the face is larger.' },
  blurred: { title: 'Image blurred', hint: 'Hold still, and make sure the lens is clean and the face is well lit.' },
  'turned-away': { title: 'Head turned too far', hint: 'Face the camera more directly: only a slight turn is wanted.' },
  'low-confidence': { title: 'Face not clear enough', hint: 'Improve the light and remove anything covering the face.' },
  'cut-off': { title: 'Face cut off', hint: 'Keep the whole face inside the frame.' },
  unreadable: { title: 'Not a readable image', hint: 'Use a JPEG, PNG or WebP photo.' },
} satisfies Record<RejectReason, ReasonText>;

export function describeReason(reason: string): ReasonText {
  return REASON_TEXT[reason as RejectReason] ?? { title: reason.replace(/[-_]/g, ' '), hint: 'Try another shot.' };
}

const NEEDS_KEY = 'This needs an API key: enter one under "API key" at the top of the page.';
const WRONG_ROLE = 'This API key is not allowed to do that: use a key with the "enroll" or "admin" role.';
const GONE = 'Not found: it may have been deleted meanwhile.';
const TOO_LARGE = 'The image is too large; use a smaller one.';
const NOT_AN_IMAGE = 'Use a JPEG, PNG or WebP image.';
const SERVER_FAILED = 'The server failed; try again, and see its log if it keeps failing.';
const slowDown = (e: ApiClientError) => `Too many requests; wait ${e.retryAfterS ?? 'a few'} s and try again.`;
const busy = (e: ApiClientError) => `The server is busy or starting; wait ${e.retryAfterS ?? 'a few'} s and try again.`;
/** The server's own message: it says what was wrong with this request. */
const theirs = (e: ApiClientError) => e.message;

/** A sentence for every catalogued error code. */
export const ERROR_TEXT = {
  invalid_request: theirs,
  invalid_path: theirs,
  invalid_json: theirs,
  validation_failed: theirs,
  empty_image: theirs,
  corrupt_image: theirs,
  invalid_evidence: theirs,
  no_face: theirs,
  unauthorized: NEEDS_KEY,
  forbidden: WRONG_ROLE,
  not_found: GONE,
  method_not_allowed: theirs,
  conflict: theirs,
  payload_too_large: TOO_LARGE,
  image_too_large: TOO_LARGE,
  unsupported_media_type: NOT_AN_IMAGE,
  unsupported_image_type: NOT_AN_IMAGE,
  rate_limited: slowDown,
  internal: SERVER_FAILED,
  overloaded: busy,
  not_ready: busy,
} satisfies Record<ErrorCode, string | ((e: ApiClientError) => string)>;

/** By status, for answers without a catalogued code (a proxy's error page). */
function byStatus(e: ApiClientError): string {
  switch (e.status) {
    case 401:
      return NEEDS_KEY;
    case 403:
      return WRONG_ROLE;
    case 404:
      return GONE;
    case 413:
      return TOO_LARGE;
    case 415:
      return NOT_AN_IMAGE;
    case 429:
      return slowDown(e);
    case 503:
      return busy(e);
    default:
      return e.status >= 500 ? SERVER_FAILED : e.message;
  }
}

/** One sentence for a failed request, for forms and lists. */
export function describeError(e: unknown): string {
  if (!(e instanceof ApiClientError)) return 'Something went wrong in the page; reload and try again.';
  if (e.unreachable) return e.code === 'timeout' ? 'The server took too long to answer; try again.' : 'Cannot reach the server; check that it is running and try again.';
  const text = Object.hasOwn(ERROR_TEXT, e.code) ? ERROR_TEXT[e.code as ErrorCode] : undefined;
  if (text === undefined) return byStatus(e);
  return typeof text === 'string' ? text : text(e);
}

/** Seconds for a countdown text, at least 1. */
export function secondsText(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return `${s} s`;
}
