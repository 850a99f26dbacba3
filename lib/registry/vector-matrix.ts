/**
 * One contiguous Float32Array of embedding rows and the dot-product kernel that scans it.
 *
 * Rows are padded with zeros to a multiple of 16 floats (64 bytes) so the kernel needs no tail
 * loop. The array lives in a WebAssembly memory and a small SIMD kernel (built below, byte by
 * byte: no toolchain or .wasm file to ship) computes a block of dot products per call, about
 * 2.5x faster than the best plain-JS loop measured here; a full scan is memory-bound anyway
 * (1M x 128 floats is 512 MB read per query). Where WebAssembly SIMD is missing, or the
 * index outgrows the 4 GiB a WebAssembly memory can address, the same layout moves to an
 * ordinary Float32Array and an unrolled JS loop.
 *
 * Layout, in floats: [query: stride][scores: BLOCK_ROWS][row 0: stride][row 1: stride]...
 */

/** Rows scored per kernel call; the caller consumes the scores between calls. */
export const BLOCK_ROWS = 4096;
const FLOATS_PER_PAGE = 65536 / 4;
/** A 32-bit WebAssembly memory holds at most 65536 pages of 64 KiB. */
const MAX_WASM_PAGES = 65536;

type DotsKernel = (queryByte: number, firstRowByte: number, rows: number, strideBytes: number, outByte: number) => void;

export class VectorMatrix {
  readonly dim: number;
  /** Floats per stored row: `dim` rounded up to 16. */
  readonly stride: number;
  private memory: WebAssembly.Memory | null = null;
  private kernel: DotsKernel | null = null;
  /** The whole layout above; replaced when it grows. */
  private floats: Float32Array;
  private rowCapacity: number;
  private readonly rowsOffset: number;

  constructor(dim: number, opts: { initialRows?: number; useWasm?: boolean } = {}) {
    this.dim = dim;
    this.stride = Math.ceil(dim / 16) * 16;
    this.rowsOffset = this.stride + BLOCK_ROWS;
    this.rowCapacity = Math.max(16, opts.initialRows ?? 1024);
    const floatsNeeded = this.rowsOffset + this.rowCapacity * this.stride;
    if (opts.useWasm !== false) {
      const kernel = compileKernel();
      const pages = Math.ceil(floatsNeeded / FLOATS_PER_PAGE);
      if (kernel && pages <= MAX_WASM_PAGES) {
        try {
          this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_WASM_PAGES });
          const instance = new WebAssembly.Instance(kernel, { env: { memory: this.memory } });
          this.kernel = instance.exports.dots as DotsKernel;
          this.floats = new Float32Array(this.memory.buffer);
          this.rowCapacity = Math.floor((this.floats.length - this.rowsOffset) / this.stride);
          return;
        } catch {
          // No address space for another WebAssembly memory (each reserves several GiB): plain array.
          this.memory = null;
          this.kernel = null;
        }
      }
    }
    this.floats = new Float32Array(floatsNeeded);
  }

  get usesWasm(): boolean {
    return this.kernel !== null;
  }

  get capacity(): number {
    return this.rowCapacity;
  }

  /** Bytes held by the matrix (for the benchmark's memory report). */
  get byteLength(): number {
    return this.floats.byteLength;
  }

  /** Grows (doubling) so that `rows` rows fit; existing rows keep their place. */
  ensureCapacity(rows: number): void {
    if (rows <= this.rowCapacity) return;
    let target = this.rowCapacity;
    while (target < rows) target *= 2;
    const floatsNeeded = this.rowsOffset + target * this.stride;
    if (this.memory) {
      const pages = Math.ceil(floatsNeeded / FLOATS_PER_PAGE);
      const current = this.memory.buffer.byteLength / 65536;
      if (pages <= MAX_WASM_PAGES) {
        try {
          this.memory.grow(pages - current);
          this.floats = new Float32Array(this.memory.buffer);
          this.rowCapacity = Math.floor((this.floats.length - this.rowsOffset) / this.stride);
          return;
        } catch {
          // Could not reserve the memory: continue with the plain array below.
        }
      }
      this.memory = null;
      this.kernel = null;
    }
    const grown = new Float32Array(floatsNeeded);
    grown.set(this.floats.subarray(0, Math.min(this.floats.length, floatsNeeded)));
    this.floats = grown;
    this.rowCapacity = target;
  }

  /** Writes a vector into row `row` (padding stays zero). */
  setRow(row: number, vector: Float32Array): void {
    const at = this.rowsOffset + row * this.stride;
    this.floats.set(vector.subarray(0, this.dim), at);
    this.floats.fill(0, at + this.dim, at + this.stride);
  }

  copyRow(from: number, to: number): void {
    const src = this.rowsOffset + from * this.stride;
    this.floats.copyWithin(this.rowsOffset + to * this.stride, src, src + this.stride);
  }

  /** A copy of row `row`. */
  readRow(row: number): Float32Array {
    const at = this.rowsOffset + row * this.stride;
    return this.floats.slice(at, at + this.dim);
  }

  /** A view of row `row`, valid until the matrix next grows. */
  rowView(row: number): Float32Array {
    const at = this.rowsOffset + row * this.stride;
    return this.floats.subarray(at, at + this.dim);
  }

  /** Sets the vector that `scoreBlock` and `dotRow` compare with. */
  setQuery(vector: Float32Array): void {
    this.floats.set(vector.subarray(0, this.dim), 0);
    this.floats.fill(0, this.dim, this.stride);
  }

  /**
   * Dot products of the query with rows `first .. first + count - 1` (count <= BLOCK_ROWS),
   * returned in a view that the next call overwrites.
   */
  scoreBlock(first: number, count: number): Float32Array {
    const scoresAt = this.stride;
    if (this.kernel) {
      this.kernel(0, (this.rowsOffset + first * this.stride) * 4, count, this.stride * 4, scoresAt * 4);
    } else {
      scoreBlockJs(this.floats, this.stride, this.rowsOffset + first * this.stride, count, scoresAt);
    }
    return this.floats.subarray(scoresAt, scoresAt + count);
  }

  /** Dot product of the query with one row (re-scoring a few candidates). */
  dotRow(row: number): number {
    const f = this.floats;
    const at = this.rowsOffset + row * this.stride;
    let sum = 0;
    for (let j = 0; j < this.dim; j++) sum += f[j] * f[at + j];
    return sum;
  }
}

/** Plain-JS kernel over the same layout: 4 accumulators, unrolled by 8 (stride % 16 === 0). */
function scoreBlockJs(f: Float32Array, stride: number, firstFloat: number, count: number, outFloat: number): void {
  for (let r = 0, o = firstFloat; r < count; r++, o += stride) {
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    for (let j = 0; j < stride; j += 8) {
      a += f[j] * f[o + j] + f[j + 4] * f[o + j + 4];
      b += f[j + 1] * f[o + j + 1] + f[j + 5] * f[o + j + 5];
      c += f[j + 2] * f[o + j + 2] + f[j + 6] * f[o + j + 6];
      d += f[j + 3] * f[o + j + 3] + f[j + 7] * f[o + j + 7];
    }
    f[outFloat + r] = a + b + c + d;
  }
}

/**
 * The SIMD kernel, equivalent to:
 *
 *   (func (export "dots") (param $q i32) (param $m i32) (param $rows i32) (param $strideBytes i32) (param $out i32)
 *     for r in 0..rows: a,b,c,d = f32x4(0)
 *       for j in 0..strideBytes step 64: a += q[j..+16] * m[j..+16] (and b, c, d at +16, +32, +48)
 *       f32 out[r] = sum of lanes of (a + b) + (c + d);  m += strideBytes
 *
 * with the memory imported as env.memory. Returns null where WebAssembly SIMD is unsupported.
 */
function compileKernel(): WebAssembly.Module | null {
  const bytes = new Uint8Array(kernelBytes());
  if (typeof WebAssembly === 'undefined' || !WebAssembly.validate(bytes)) return null;
  return new WebAssembly.Module(bytes);
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

/** Signed LEB128 (i32.const immediates: 64 needs two bytes, or it reads as -64). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function kernelBytes(): number[] {
  const I32 = 0x7f;
  const V128 = 0x7b;
  const [Q, M, ROWS, SB, OUT, R, J, A, B, C, D] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const tee = (i: number) => [0x22, i];
  const i32 = (n: number) => [0x41, ...sleb(n)];
  const add = [0x6a];
  const load = (offset: number) => [...simd(0x00), 4, ...uleb(offset)]; // v128.load align=2^4
  const f32x4Add = simd(0xe4);
  const f32x4Mul = simd(0xe6);
  const lane = (l: number) => [...simd(0x1f), l]; // f32x4.extract_lane
  const zero = [...simd(0x0c), ...new Array<number>(16).fill(0)]; // v128.const 0
  const accumulate = (acc: number, offset: number) => [
    ...get(acc),
    ...get(Q), ...get(J), ...add, ...load(offset),
    ...get(M), ...get(J), ...add, ...load(offset),
    ...f32x4Mul, ...f32x4Add, ...set(acc),
  ];
  const body = [
    2, 2, I32, 4, V128, // locals: r, j (i32); a, b, c, d (v128)
    ...i32(0), ...set(R),
    0x02, 0x40, // block
    ...get(ROWS), 0x45, 0x0d, 0, // br_if (rows == 0) -> end
    0x03, 0x40, // loop over rows
    ...zero, ...set(A), ...zero, ...set(B), ...zero, ...set(C), ...zero, ...set(D),
    ...i32(0), ...set(J),
    0x03, 0x40, // loop over the row, 16 floats per turn
    ...accumulate(A, 0), ...accumulate(B, 16), ...accumulate(C, 32), ...accumulate(D, 48),
    ...get(J), ...i32(64), ...add, ...tee(J), ...get(SB), 0x49, 0x0d, 0, // br_if (j <u strideBytes)
    0x0b,
    ...get(A), ...get(B), ...f32x4Add, ...get(C), ...get(D), ...f32x4Add, ...f32x4Add, ...set(A),
    ...get(OUT), ...get(R), ...i32(2), 0x74, ...add, // address out + r * 4
    ...get(A), ...lane(0), ...get(A), ...lane(1), 0x92, ...get(A), ...lane(2), ...get(A), ...lane(3), 0x92, 0x92,
    0x38, 2, 0, // f32.store
    ...get(M), ...get(SB), ...add, ...set(M),
    ...get(R), ...i32(1), ...add, ...tee(R), ...get(ROWS), 0x49, 0x0d, 0, // br_if (r <u rows)
    0x0b,
    0x0b, // end block
    0x0b, // end function
  ];
  const name = (s: string) => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  return [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]), // type: (i32 x5) -> ()
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x01, ...uleb(1), ...uleb(MAX_WASM_PAGES)]), // import memory
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(7, [1, ...name('dots'), 0x00, 0]), // export it
    ...section(10, [1, ...uleb(body.length), ...body]), // code
  ];
}
