/**
 * The Content-Security-Policy of the pages (set per request by proxy.ts, with a fresh nonce
 * that Next puts on its own scripts) and of the API. The headers that never change
 * (X-Content-Type-Options, Referrer-Policy, Permissions-Policy, X-Frame-Options) are set on
 * every answer by next.config.mjs.
 */

/** The pages: own scripts by nonce only, camera frames and crops as blob:, no framing. */
export function pageContentSecurityPolicy(nonce: string, dev = false): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts the nonced ones load (Next's chunks) run too; dev needs eval for React's stacks.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    `style-src-elem 'self' 'nonce-${nonce}'`,
    // React renders style="..." attributes (the video's aspect ratio); no style elements come from them.
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The API answers JSON and images: nothing in them may run, load or be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A nonce: 128 random bits, base64. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}
