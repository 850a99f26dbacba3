/**
 * A minimal writer for the ONNX protobuf messages the converter needs (ModelProto, GraphProto,
 * NodeProto, TensorProto, AttributeProto, ValueInfoProto), field numbers from onnx/onnx.proto.
 * Write-only: nothing here parses protobuf.
 */

/** ONNX TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

class Writer {
  /** Finished pieces, and the small values written since the last piece. */
  private readonly pieces: Uint8Array[] = [];
  private chunks: number[] = [];
  private length = 0;

  private flush(): void {
    if (this.chunks.length === 0) return;
    this.pieces.push(Uint8Array.from(this.chunks));
    this.length += this.chunks.length;
    this.chunks = [];
  }

  varint(value: number | bigint): this {
    // int64 fields take negative values as 10-byte two's complement.
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.chunks.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.chunks.push(Number(v));
    return this;
  }

  private tag(field: number, wire: 0 | 2 | 5): this {
    return this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).varint(value);
  }

  bytes(field: number, data: Uint8Array): this {
    this.tag(field, 2).varint(data.length);
    this.flush();
    this.pieces.push(data);
    this.length += data.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(new Float32Array([value]).buffer);
    for (const x of b) this.chunks.push(x);
    return this;
  }

  finish(): Uint8Array {
    this.flush();
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.pieces) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export interface TensorValue {
  dataType: DataTypeCode;
  dims: number[];
  /** Little-endian element bytes, as ONNX's raw_data stores them. */
  raw: Uint8Array;
}

export function encodeTensor(name: string, t: TensorValue): Uint8Array {
  const w = new Writer();
  for (const d of t.dims) w.int(1, d);
  w.int(2, t.dataType).string(8, name);
  return w.bytes(9, t.raw).finish();
}

export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: number[] }
  | { kind: 'string'; value: string };

export const attr = {
  int: (value: number): AttributeValue => ({ kind: 'int', value }),
  float: (value: number): AttributeValue => ({ kind: 'float', value }),
  ints: (value: number[]): AttributeValue => ({ kind: 'ints', value }),
  string: (value: string): AttributeValue => ({ kind: 'string', value }),
};

function encodeAttribute(name: string, a: AttributeValue): Uint8Array {
  const w = new Writer().string(1, name);
  // AttributeProto.AttributeType: FLOAT=1, INT=2, STRING=3, INTS=7.
  switch (a.kind) {
    case 'float': return w.float(2, a.value).int(20, 1).finish();
    case 'int': return w.int(3, a.value).int(20, 2).finish();
    case 'string': return w.string(4, a.value).int(20, 3).finish();
    case 'ints':
      for (const v of a.value) w.int(8, v);
      return w.int(20, 7).finish();
  }
}

export interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attributes: Record<string, AttributeValue>;
}

function encodeNode(n: NodeSpec): Uint8Array {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  for (const [k, v] of Object.entries(n.attributes)) w.bytes(5, encodeAttribute(k, v));
  return w.finish();
}

/** A graph input or output: element type and shape, `-1` or a name for a free dimension. */
export interface ValueSpec {
  name: string;
  dataType: DataTypeCode;
  shape: (number | string)[];
}

function encodeValueInfo(v: ValueSpec): Uint8Array {
  const shape = new Writer();
  for (const d of v.shape) {
    const dim = new Writer();
    if (typeof d === 'number' && d >= 0) dim.int(1, d);
    else dim.string(2, typeof d === 'string' ? d : 'N');
    shape.bytes(1, dim.finish());
  }
  const tensorType = new Writer().int(1, v.dataType).bytes(2, shape.finish()).finish();
  const type = new Writer().bytes(1, tensorType).finish();
  return new Writer().string(1, v.name).bytes(2, type).finish();
}

export interface ModelSpec {
  graphName: string;
  nodes: NodeSpec[];
  initializers: [string, TensorValue][];
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  opset: number;
  producer: string;
  docString: string;
}

/** Serialises a whole model (IR version 8). */
export function encodeModel(m: ModelSpec): Uint8Array {
  const g = new Writer();
  for (const n of m.nodes) g.bytes(1, encodeNode(n));
  g.string(2, m.graphName);
  for (const [name, t] of m.initializers) g.bytes(5, encodeTensor(name, t));
  for (const i of m.inputs) g.bytes(11, encodeValueInfo(i));
  for (const o of m.outputs) g.bytes(12, encodeValueInfo(o));
  const opset = new Writer().string(1, '').int(2, m.opset).finish();
  return new Writer()
    .int(1, 8)
    .string(2, m.producer)
    .string(6, m.docString)
    .bytes(7, g.finish())
    .bytes(8, opset)
    .finish();
}
