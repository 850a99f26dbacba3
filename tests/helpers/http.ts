/** Small HTTP client for API tests: JSON, raw images and multipart, with or without a key. */
export interface CallOptions {
  key?: string;
  json?: unknown;
  /** Raw body (an image, or anything) with this content type. */
  body?: Uint8Array | string;
  contentType?: string;
  form?: FormData;
  headers?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    body = opts.form;
  } else if (opts.body !== undefined) {
    if (opts.contentType) headers['content-type'] = opts.contentType;
    body = opts.body as BodyInit;
  }
  const res = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('application/json') && text) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

export function imageForm(field: string, images: Uint8Array[], fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  images.forEach((img, i) => form.append(field, new Blob([img as BlobPart], { type: 'image/jpeg' }), `image-${i}.jpg`));
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}
