/**
 * Converts a tfjs graph model (model.json + .bin, as Human ships BlazeFace and face-mesh) to
 * ONNX, for the ops those two graphs use: _FusedConv2D (BiasAdd, optional Relu/Prelu),
 * DepthwiseConv2dNative, AddV2, Relu, Prelu, MaxPool, Pad, Reshape, Sigmoid, Identity.
 *
 * Layout: tfjs is NHWC; the ONNX graph keeps the NHWC input, transposes it once to NCHW and
 * runs every 4-D op in NCHW. Anything reshaped out of 4-D is transposed back to NHWC first, or
 * the flattening order (and with it BlazeFace's anchor order) would silently change. Only the
 * nodes the requested outputs depend on are converted.
 */
import { attr, DataType, GraphBuilder } from './builder';
import type { ManifestGroup, StoredWeight } from './weights';

interface TfAttr {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  list?: { i?: string[]; s?: string[] };
  shape?: { dim?: { size: string }[] };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}

export interface TfGraphModelJson {
  modelTopology: { node: TfNode[] };
  weightsManifest: ManifestGroup[];
}

export interface GraphOutput {
  /** Name of the tfjs node whose value is the output. */
  node: string;
  /** Name of the ONNX output. */
  name: string;
  shape: (number | string)[];
}

const decode = (s: string) => Buffer.from(s, 'base64').toString('utf8');
const ints = (a: TfAttr | undefined) => (a?.list?.i ?? []).map(Number);

interface Value {
  name: string;
  /** 'nchw': a 4-D activation, transposed from tfjs' NHWC; 'plain': same layout as in tfjs. */
  layout: 'nchw' | 'plain';
}

export function convertTfGraph(model: TfGraphModelJson, weights: Map<string, StoredWeight>, graphName: string, outputs: GraphOutput[], docString: string): Uint8Array {
  const byName = new Map(model.modelTopology.node.map((n) => [n.name, n]));
  const g = new GraphBuilder(graphName);
  const values = new Map<string, Value>();

  const constant = (name: string): StoredWeight => {
    const w = weights.get(name);
    if (!w) throw new Error(`${graphName}: constant ${name} has no weights`);
    return w;
  };
  const constInts = (name: string): number[] => {
    const w = constant(name);
    if (w.dtype !== 'int32' || w.quantization) throw new Error(`${graphName}: ${name} is not an int32 constant`);
    return Array.from(new Int32Array(w.bytes.buffer, w.bytes.byteOffset, w.bytes.length / 4));
  };
  const channelsFirst = (w: StoredWeight) => g.weight(w, { dims: [w.shape.reduce((a, b) => a * b, 1), 1, 1] });

  const padding = (node: TfNode) => {
    const p = decode(node.attr?.padding?.s ?? '');
    if (p === 'SAME') return { auto_pad: attr.string('SAME_UPPER') };
    if (p === 'VALID') return { auto_pad: attr.string('VALID') };
    throw new Error(`${graphName}: ${node.name} has padding ${p}`);
  };
  const strides = (node: TfNode) => {
    const s = ints(node.attr?.strides);
    if (s.length !== 4 || s[0] !== 1 || s[3] !== 1) throw new Error(`${graphName}: ${node.name} has strides ${s}`);
    if (ints(node.attr?.dilations).some((d) => d !== 1)) throw new Error(`${graphName}: ${node.name} is dilated`);
    if (node.attr?.data_format && decode(node.attr.data_format.s ?? '') !== 'NHWC') throw new Error(`${graphName}: ${node.name} is not NHWC`);
    return attr.ints([s[1], s[2]]);
  };

  const convert = (ref: string): Value => {
    const name = ref.replace(/^\^/, '').replace(/:0$/, '');
    const known = values.get(name);
    if (known) return known;
    const node = byName.get(name);
    if (!node) throw new Error(`${graphName}: no node ${name}`);
    const inputs = (node.input ?? []).filter((i) => !i.startsWith('^'));
    const act = (i: number) => {
      const v = convert(inputs[i]);
      if (v.layout !== 'nchw') throw new Error(`${graphName}: ${node.name} expects a 4-D activation at input ${i}`);
      return v.name;
    };
    const out = (onnxName: string, layout: Value['layout']): Value => {
      const v = { name: onnxName, layout };
      values.set(name, v);
      return v;
    };
    switch (node.op) {
      case 'Placeholder': {
        const dims = (node.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size));
        if (dims.length !== 4) throw new Error(`${graphName}: input ${name} is not 4-D`);
        const x = g.input(name, DataType.FLOAT, ['N', dims[1], dims[2], dims[3]]);
        return out(g.node('Transpose', [x], { perm: attr.ints([0, 3, 1, 2]) }), 'nchw');
      }
      case '_FusedConv2D': {
        const fused = (node.attr?.fused_ops?.list?.s ?? []).map(decode);
        if (fused[0] !== 'BiasAdd' || fused.length > 2) throw new Error(`${graphName}: ${name} fuses ${fused}`);
        const filters = constant(inputs[1]);
        const [kh, kw] = filters.shape;
        const conv = g.node('Conv', [act(0), g.weight(filters, { perm: [3, 2, 0, 1] }), g.weight(constant(inputs[2]))], {
          kernel_shape: attr.ints([kh, kw]),
          strides: strides(node),
          ...padding(node),
        });
        if (fused.length === 1) return out(conv, 'nchw');
        if (fused[1] === 'Relu') return out(g.node('Relu', [conv]), 'nchw');
        if (fused[1] === 'Prelu') return out(g.node('PRelu', [conv, channelsFirst(constant(inputs[3]))]), 'nchw');
        throw new Error(`${graphName}: ${name} fuses ${fused}`);
      }
      case 'DepthwiseConv2dNative': {
        const filters = constant(inputs[1]);
        const [kh, kw, channels, multiplier] = filters.shape;
        return out(g.node('Conv', [act(0), g.weight(filters, { perm: [2, 3, 0, 1], dims: [channels * multiplier, 1, kh, kw] })], {
          kernel_shape: attr.ints([kh, kw]),
          strides: strides(node),
          group: attr.int(channels),
          ...padding(node),
        }), 'nchw');
      }
      case 'AddV2':
        return out(g.node('Add', [act(0), act(1)]), 'nchw');
      case 'Relu':
        return out(g.node('Relu', [act(0)]), 'nchw');
      case 'Prelu':
        return out(g.node('PRelu', [act(0), channelsFirst(constant(inputs[1]))]), 'nchw');
      case 'MaxPool': {
        const k = ints(node.attr?.ksize);
        return out(g.node('MaxPool', [act(0)], { kernel_shape: attr.ints([k[1], k[2]]), strides: strides(node), ...padding(node) }), 'nchw');
      }
      case 'Pad': {
        // tfjs paddings: [[before, after] x N, H, W, C]; ONNX: all befores (N, C, H, W), then all afters.
        const p = constInts(inputs[1]);
        const [n, h, w, c] = [0, 1, 2, 3].map((d) => [p[2 * d], p[2 * d + 1]]);
        const pads = [n[0], c[0], h[0], w[0], n[1], c[1], h[1], w[1]];
        return out(g.node('Pad', [act(0), g.int64s('pads', pads)]), 'nchw');
      }
      case 'Reshape': {
        const src = convert(inputs[0]);
        const data = src.layout === 'nchw' ? g.node('Transpose', [src.name], { perm: attr.ints([0, 2, 3, 1]) }) : src.name;
        // The first dimension is the batch: keep it free so several inputs run in one call.
        const shape = constInts(inputs[1]).map((d, i) => (i === 0 ? -1 : d));
        return out(g.node('Reshape', [data, g.int64s('shape', shape)]), 'plain');
      }
      case 'Sigmoid': {
        const src = convert(inputs[0]);
        return out(g.node('Sigmoid', [src.name]), src.layout);
      }
      case 'Identity':
        return out(convert(inputs[0]).name, convert(inputs[0]).layout);
      default:
        throw new Error(`${graphName}: unsupported op ${node.op} (${name})`);
    }
  };

  for (const o of outputs) {
    const v = convert(o.node);
    if (v.layout !== 'plain') throw new Error(`${graphName}: output ${o.node} is a 4-D activation`);
    g.node('Identity', [v.name], {}, o.name);
  }
  return g.build(outputs.map((o) => ({ name: o.name, dataType: DataType.FLOAT, shape: o.shape })), docString);
}
