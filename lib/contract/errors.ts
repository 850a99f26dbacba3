/**
 * The error catalogue: every error the API answers, with its stable code, HTTP status and
 * default message. Clients script against the codes; the messages are for people and may change.
 */
import { z } from 'zod';

export const ERRORS = {
  invalid_request: { status: 400, message: 'The request is malformed.' },
  invalid_path: { status: 400, message: 'The request path is malformed: no dot segments, encoded separators, empty segments or bad percent-escapes.' },
  invalid_json: { status: 400, message: 'The request body is not valid JSON.' },
  validation_failed: { status: 400, message: 'The request does not match the expected fields.' },
  empty_image: { status: 400, message: 'The image is empty.' },
  corrupt_image: { status: 400, message: 'The image is damaged or truncated.' },
  invalid_evidence: { status: 400, message: 'An evidence token is malformed, was issued to another caller or server, or has expired.' },
  no_face: { status: 422, message: 'No face was found in the image.' },
  unauthorized: { status: 401, message: 'An API key is required: send `Authorization: Bearer KEY`.' },
  forbidden: { status: 403, message: "This API key's role does not allow this." },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'This path does not answer this method; see the Allow header.' },
  conflict: { status: 409, message: 'The request conflicts with existing data.' },
  payload_too_large: { status: 413, message: 'The request body is larger than the limit.' },
  image_too_large: { status: 413, message: 'The image has more pixels than the limit.' },
  unsupported_media_type: { status: 415, message: 'Send a JPEG, PNG or WebP image.' },
  unsupported_image_type: { status: 415, message: 'The data is not a JPEG, PNG or WebP image.' },
  rate_limited: { status: 429, message: 'Too many requests; retry later.' },
  internal: { status: 500, message: 'Internal server error.' },
  overloaded: { status: 503, message: 'The server is busy; retry shortly.' },
  not_ready: { status: 503, message: 'The server is starting; retry shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;
export const ERROR_CODES = Object.keys(ERRORS) as [ErrorCode, ...ErrorCode[]];

/** Every error answer, whatever the path (also ones that do not exist). */
export const errorBodySchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(ERROR_CODES),
      message: z.string().meta({ description: 'For people; may change.' }),
      details: z.unknown().optional().meta({ description: 'validation_failed: the failing fields, `{ path, message }[]`.' }),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.output<typeof errorBodySchema>;
