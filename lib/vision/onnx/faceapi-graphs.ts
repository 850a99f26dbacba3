/**
 * face-api's landmark68 net and its ResNet-34 face descriptor as ONNX graphs, op for op as
 * face-api's source runs them (src/faceLandmarkNet, src/faceFeatureExtractor,
 * src/faceRecognitionNet of @vladmandic/face-api), with its own weights.
 *
 * Both graphs take `input`: float32 [N, S, S, 3], RGB 0..255, rows top to bottom (NHWC, as
 * face-api's tensors), and compute in NCHW after one Transpose. tfjs 'same' padding puts the
 * odd pixel after, which is ONNX's SAME_UPPER.
 */
import { EMBEDDER, LANDMARKS } from '../models';
import { attr, DataType, GraphBuilder } from './builder';
import type { StoredWeight } from './weights';

type Weights = Map<string, StoredWeight>;

/** face-api subtracts this mean (RGB) and divides by 255 before both networks. */
const MEAN_RGB = [122.782, 117.001, 104.298];

function getter(weights: Weights) {
  return (name: string): StoredWeight => {
    const w = weights.get(name);
    if (!w) throw new Error(`face-api weights: ${name} missing`);
    return w;
  };
}

/** NHWC 0..255 input -> normalised NCHW, as face-api's `normalize(x, meanRgb).div(255)`. */
function normalizedInput(g: GraphBuilder, side: number): string {
  const x = g.input('input', DataType.FLOAT, ['N', side, side, 3]);
  const centred = g.node('Sub', [x, g.floats('mean_rgb', MEAN_RGB, [3])]);
  const scaled = g.node('Div', [centred, g.floats('div_255', [255], [])]);
  return g.node('Transpose', [scaled], { perm: attr.ints([0, 3, 1, 2]) });
}

/** HWIO filters -> OIHW. */
const HWIO_TO_OIHW = [3, 2, 0, 1];
/** Depthwise HWC1 filters -> C1HW (grouped conv, one group per channel). */
const HWCM_TO_CMHW = [2, 3, 0, 1];

function conv(g: GraphBuilder, x: string, filters: StoredWeight, bias: StoredWeight | undefined, stride: number, padding: 'same' | 'valid'): string {
  const [kh, kw] = filters.shape;
  const inputs = [x, g.weight(filters, { perm: HWIO_TO_OIHW })];
  if (bias) inputs.push(g.weight(bias));
  return g.node('Conv', inputs, {
    kernel_shape: attr.ints([kh, kw]),
    strides: attr.ints([stride, stride]),
    ...(padding === 'same' ? { auto_pad: attr.string('SAME_UPPER') } : { pads: attr.ints([0, 0, 0, 0]) }),
  });
}

function separableConv(g: GraphBuilder, x: string, get: (n: string) => StoredWeight, prefix: string, stride: number): string {
  const depthwise = get(`${prefix}/depthwise_filter`);
  const [kh, kw, channels] = depthwise.shape;
  const dw = g.node('Conv', [x, g.weight(depthwise, { perm: HWCM_TO_CMHW })], {
    kernel_shape: attr.ints([kh, kw]),
    strides: attr.ints([stride, stride]),
    group: attr.int(channels),
    auto_pad: attr.string('SAME_UPPER'),
  });
  return conv(g, dw, get(`${prefix}/pointwise_filter`), get(`${prefix}/bias`), 1, 'valid');
}

const relu = (g: GraphBuilder, x: string) => g.node('Relu', [x]);
const add = (g: GraphBuilder, a: string, b: string) => g.node('Add', [a, b]);

/** face-api's denseBlock4 (faceFeatureExtractor/denseBlock.ts). */
function denseBlock4(g: GraphBuilder, x: string, get: (n: string) => StoredWeight, prefix: string, isFirstLayer: boolean): string {
  const out1 = relu(g, isFirstLayer
    ? conv(g, x, get(`${prefix}/conv0/filters`), get(`${prefix}/conv0/bias`), 2, 'same')
    : separableConv(g, x, get, `${prefix}/conv0`, 2));
  const out2 = separableConv(g, out1, get, `${prefix}/conv1`, 1);
  const in3 = relu(g, add(g, out1, out2));
  const out3 = separableConv(g, in3, get, `${prefix}/conv2`, 1);
  const in4 = relu(g, add(g, out1, add(g, out2, out3)));
  const out4 = separableConv(g, in4, get, `${prefix}/conv3`, 1);
  return relu(g, add(g, out1, add(g, out2, add(g, out3, out4))));
}

/** 68-point landmarks: `input` [N,112,112,3] -> `output` [N,136], (x, y) pairs relative to the crop (0..1); sizes from LANDMARKS. */
export function buildLandmark68(weights: Weights): Uint8Array {
  const get = getter(weights);
  const g = new GraphBuilder('faceapi-landmark68');
  let x = normalizedInput(g, LANDMARKS.inputPx);
  for (let i = 0; i < 4; i++) x = denseBlock4(g, x, get, `dense${i}`, i === 0);
  x = g.node('AveragePool', [x], { kernel_shape: attr.ints([7, 7]), strides: attr.ints([2, 2]) });
  x = g.node('Flatten', [x], { axis: attr.int(1) });
  x = g.node('MatMul', [x, g.weight(get('fc/weights'))]);
  g.node('Add', [x, g.weight(get('fc/bias'))], {}, 'output');
  return g.build([{ name: 'output', dataType: DataType.FLOAT, shape: ['N', 2 * LANDMARKS.points] }], 'face-api FaceLandmark68Net, converted from face_landmark_68_model');
}

/** conv + bias, then face-api's scale layer (x * weights + biases), optionally ReLU. */
function resConv(g: GraphBuilder, x: string, get: (n: string) => StoredWeight, prefix: string, stride: number, withRelu: boolean, padding: 'same' | 'valid'): string {
  const c = conv(g, x, get(`${prefix}/conv/filters`), get(`${prefix}/conv/bias`), stride, padding);
  const weightsW = get(`${prefix}/scale/weights`);
  const channels = weightsW.shape[0];
  const scaled = g.node('Mul', [c, g.weight(weightsW, { dims: [channels, 1, 1] })]);
  const shifted = g.node('Add', [scaled, g.weight(get(`${prefix}/scale/biases`), { dims: [channels, 1, 1] })]);
  return withRelu ? relu(g, shifted) : shifted;
}

function residual(g: GraphBuilder, x: string, get: (n: string) => StoredWeight, prefix: string): string {
  const out = resConv(g, x, get, `${prefix}/conv1`, 1, true, 'same');
  const out2 = resConv(g, out, get, `${prefix}/conv2`, 1, false, 'same');
  return relu(g, add(g, out2, x));
}

/**
 * face-api's residualDown: a strided 'valid' conv path and a 2x2 average-pool shortcut; the
 * shortcut gets zero channels appended when the block widens, and the conv path a zero row and
 * column at the end when the two sizes differ (odd inputs). `side`/`channels` are the input's.
 */
function residualDown(g: GraphBuilder, x: string, get: (n: string) => StoredWeight, prefix: string, side: number, channels: number): { out: string; side: number; channels: number } {
  let out = resConv(g, x, get, `${prefix}/conv1`, 2, true, 'valid');
  out = resConv(g, out, get, `${prefix}/conv2`, 1, false, 'same');
  const outChannels = get(`${prefix}/conv2/conv/filters`).shape[3];
  const convSide = Math.floor((side - 3) / 2) + 1;
  const poolSide = Math.floor(side / 2);
  let pooled = g.node('AveragePool', [x], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  if (poolSide !== convSide) {
    const d = poolSide - convSide;
    out = g.node('Pad', [out, g.int64s('pad_hw', [0, 0, 0, 0, 0, 0, d, d])]);
  }
  if (outChannels !== channels) {
    pooled = g.node('Pad', [pooled, g.int64s('pad_c', [0, 0, 0, 0, 0, outChannels - channels, 0, 0])]);
  }
  return { out: relu(g, add(g, pooled, out)), side: poolSide, channels: outChannels };
}

/** dlib's ResNet-34 descriptor: `input` [N,150,150,3] -> `output` [N,128], not normalised; sizes from EMBEDDER. */
export function buildResnet34(weights: Weights): Uint8Array {
  const get = getter(weights);
  const g = new GraphBuilder('faceapi-resnet34');
  let x = normalizedInput(g, EMBEDDER.inputPx);
  x = resConv(g, x, get, 'conv32_down', 2, true, 'valid');
  let side = Math.floor((EMBEDDER.inputPx - 7) / 2) + 1;
  x = g.node('MaxPool', [x], { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]) });
  side = Math.floor((side - 3) / 2) + 1;
  let channels = 32;
  const layers = ['conv32_1', 'conv32_2', 'conv32_3', 'conv64_down', 'conv64_1', 'conv64_2', 'conv64_3', 'conv128_down', 'conv128_1', 'conv128_2', 'conv256_down', 'conv256_1', 'conv256_2', 'conv256_down_out'];
  for (const layer of layers) {
    if (layer.endsWith('_down') || layer.endsWith('_down_out')) {
      ({ out: x, side, channels } = residualDown(g, x, get, layer, side, channels));
    } else {
      x = residual(g, x, get, layer);
    }
  }
  x = g.node('GlobalAveragePool', [x]);
  x = g.node('Flatten', [x], { axis: attr.int(1) });
  g.node('MatMul', [x, g.weight(get('fc'))], {}, 'output');
  return g.build([{ name: 'output', dataType: DataType.FLOAT, shape: ['N', EMBEDDER.dim] }], 'face-api FaceRecognitionNet (dlib ResNet-34), converted from face_recognition_model');
}
