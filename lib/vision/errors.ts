/** Why an input image could not be used. The API maps each code to a 4xx answer. */
export type VisionErrorCode =
  | 'empty_image'
  | 'unsupported_image_type'
  | 'image_too_large'
  | 'corrupt_image'
  | 'models_not_loaded'
  | 'overloaded';

export class VisionError extends Error {
  constructor(
    readonly code: VisionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VisionError';
  }
}

export function isVisionError(e: unknown): e is VisionError {
  return e instanceof Error && e.name === 'VisionError' && typeof (e as VisionError).code === 'string';
}
