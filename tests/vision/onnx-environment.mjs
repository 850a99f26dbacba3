/**
 * Jest environment for tests that run ONNX Runtime in process. Jest gives each test file its
 * own realm, whose Float32Array is not the one onnxruntime-node's native binding creates its
 * outputs with, and onnxruntime-common rejects those outputs (`instanceof` across realms).
 * The test realm gets the process's own Float32Array, as production code has.
 * Use with a `@jest-environment ./tests/vision/onnx-environment.mjs` docblock.
 */
import { TestEnvironment } from 'jest-environment-node';

export default class OnnxEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.global.Float32Array = Float32Array;
  }
}
