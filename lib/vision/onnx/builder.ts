/**
 * Builds an ONNX graph node by node, with helpers for the weights read from tfjs files.
 * Quantised weights stay quantised in the file: uint8 weights become a uint8 initializer and
 * Cast -> Mul(scale) -> Add(min), float16 weights a float16 initializer and a Cast; ONNX
 * Runtime folds those constant subgraphs into float32 once, when the session is created.
 * (DequantizeLinear cannot express tfjs' affine uint8 scheme exactly: its zero point must be
 * an integer, tfjs' `-min / scale` is not.)
 */
import { attr, DataType, encodeModel, type AttributeValue, type DataTypeCode, type NodeSpec, type TensorValue, type ValueSpec } from './proto';
import { storedElementBytes, transposeBytes, type StoredWeight } from './weights';

export { attr };

export const OPSET = 13;

export class GraphBuilder {
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: [string, TensorValue][] = [];
  private readonly inputs: ValueSpec[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  /** A name not used yet in this graph. */
  fresh(prefix: string): string {
    let name = prefix;
    while (this.names.has(name)) name = `${prefix}_${++this.counter}`;
    this.names.add(name);
    return name;
  }

  input(name: string, dataType: DataTypeCode, shape: (number | string)[]): string {
    this.names.add(name);
    this.inputs.push({ name, dataType, shape });
    return name;
  }

  initializer(prefix: string, value: TensorValue): string {
    const name = this.fresh(prefix);
    this.initializers.push([name, value]);
    return name;
  }

  floats(prefix: string, values: ArrayLike<number>, dims: number[] = [values.length]): string {
    const data = Float32Array.from(values);
    return this.initializer(prefix, { dataType: DataType.FLOAT, dims, raw: new Uint8Array(data.buffer) });
  }

  int64s(prefix: string, values: ArrayLike<number>, dims: number[] = [values.length]): string {
    const data = BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
    return this.initializer(prefix, { dataType: DataType.INT64, dims, raw: new Uint8Array(data.buffer) });
  }

  /** Adds a node with one output and returns the output's name. */
  node(op: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    return this.nodeN(op, inputs, 1, attributes, outputName)[0];
  }

  nodeN(op: string, inputs: string[], outputs: number, attributes: Record<string, AttributeValue> = {}, outputName?: string): string[] {
    const base = outputName ?? this.fresh(op.toLowerCase());
    if (outputName) this.names.add(outputName);
    const outs = Array.from({ length: outputs }, (_, i) => (i === 0 ? base : this.fresh(`${base}_out${i}`)));
    this.nodes.push({ op, inputs, outputs: outs, name: this.fresh(`${base}_node`), attributes });
    return outs;
  }

  /**
   * A stored tfjs weight as a float32 value of the graph, its axes permuted by `perm` and then
   * reshaped to `dims` when given (both applied to the stored bytes, exactly).
   */
  weight(w: StoredWeight, options: { perm?: number[]; dims?: number[] } = {}): string {
    let { bytes, shape } = w;
    if (options.perm) ({ bytes, shape } = transposeBytes(bytes, shape, options.perm, storedElementBytes(w)));
    if (options.dims) {
      if (options.dims.reduce((a, b) => a * b, 1) !== shape.reduce((a, b) => a * b, 1)) throw new Error(`weight ${w.name}: cannot reshape ${shape} to ${options.dims}`);
      shape = options.dims;
    }
    const prefix = w.name.replace(/[^A-Za-z0-9_]/g, '_');
    const q = w.quantization;
    if (!q) {
      return this.initializer(prefix, { dataType: w.dtype === 'int32' ? DataType.INT32 : DataType.FLOAT, dims: shape, raw: bytes });
    }
    if (q.dtype === 'float16') {
      const stored = this.initializer(`${prefix}_f16`, { dataType: DataType.FLOAT16, dims: shape, raw: bytes });
      return this.node('Cast', [stored], { to: attr.int(DataType.FLOAT) }, this.fresh(prefix));
    }
    if (q.dtype === 'uint8' && q.scale !== undefined && q.min !== undefined && w.dtype === 'float32') {
      const stored = this.initializer(`${prefix}_u8`, { dataType: DataType.UINT8, dims: shape, raw: bytes });
      const asFloat = this.node('Cast', [stored], { to: attr.int(DataType.FLOAT) });
      const scaled = this.node('Mul', [asFloat, this.floats(`${prefix}_scale`, [q.scale], [])]);
      return this.node('Add', [scaled, this.floats(`${prefix}_min`, [q.min], [])], {}, this.fresh(prefix));
    }
    throw new Error(`weight ${w.name}: unsupported quantisation ${JSON.stringify(q)}`);
  }

  /** Serialises the graph with the given float32 outputs (shapes may use names for free dims). */
  build(outputs: ValueSpec[], docString: string): Uint8Array {
    return encodeModel({
      graphName: this.graphName,
      nodes: this.nodes,
      initializers: this.initializers,
      inputs: this.inputs,
      outputs,
      opset: OPSET,
      producer: 'facerec-convert',
      docString,
    });
  }
}

export { DataType };
