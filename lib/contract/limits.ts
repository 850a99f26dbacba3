/**
 * Limits that a client can run into, in the units the server counts: text in Unicode code points
 * (what a person sees as characters: an emoji is one, not two UTF-16 units), stored JSON in UTF-8
 * bytes (what the database holds). The server's request schemas and the registry's validation
 * both read them here, so the two layers refuse exactly the same inputs.
 */
export const LIMITS = {
  /** Person names, after NFC and trimming. */
  nameMaxCodePoints: 200,
  externalIdMaxCodePoints: 200,
  /** API key names (a label for people, not the key). */
  keyNameMaxCodePoints: 100,
  /** `q` of GET /people. */
  searchMaxCodePoints: 200,
  /** `cursor` of GET /people and GET /people/:id/sightings: the registry's own base64url, so ASCII. */
  cursorMaxChars: 500,
  /** Person metadata serialised as JSON, UTF-8 bytes. */
  metadataMaxBytes: 16 * 1024,
  /** Nesting of person metadata (the top-level object is 1). */
  metadataMaxDepth: 8,
  /** Nesting of any JSON request body; checked before the schemas, which recurse. */
  jsonMaxDepth: 32,
  /** JSON request bodies, bytes. */
  jsonBodyMaxBytes: 64 * 1024,
  /** Image request bodies, bytes: the default of FACEREC_MAX_BODY_BYTES. */
  imageBodyMaxBytesDefault: 10 * 1024 * 1024,
  /** Pixels of one image, refused before decoding: the default of FACEREC_MAX_IMAGE_PIXELS. */
  imageMaxPixelsDefault: 40_000_000,
  /** Faces analysed per image, largest first (recognize, detect). */
  facesPerImage: 20,
  /** Images per POST /people/:id/faces. */
  imagesPerEnrollment: 20,
  /** Page sizes of GET /people. */
  pageSizeDefault: 50,
  pageSizeMax: 500,
  /** Page sizes of GET /people/:id/sightings (the registry reads them here too). */
  sightingsPageDefault: 50,
  sightingsPageMax: 200,
  /** Page sizes of GET /audit (the registry reads them here too). */
  auditPageDefault: 50,
  auditPageMax: 200,
  /** `cursor` of GET /audit: an entry's sequence number, at most 16 digits. */
  auditCursorMaxChars: 32,
  /** Templates per registry write. */
  templatesMaxPerCall: 100,
  /** A kept face crop (JPEG), bytes. */
  cropMaxBytes: 512 * 1024,
  /** Evidence tokens per POST /recognize/track: the frames of one track the page keeps (and the longest track with its own bar). */
  trackFramesMax: 5,
  /** One evidence token, characters (base64url; about 230 today). */
  evidenceTokenMaxChars: 1024,
  /** Embedding model ids, like `resnet34-dlibchip150-v1`. */
  modelIdMaxChars: 100,
} as const;

/** Length as a person counts it: code points (a lone surrogate counts as one). */
export function codePointLength(text: string): number {
  return [...text].length;
}

/** Bytes of `text` in UTF-8, as Buffer.byteLength counts them (a lone surrogate is U+FFFD, 3 bytes), without Buffer so the browser can count too. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return bytes;
}
