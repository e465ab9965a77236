export { kerasToTfjsTopology } from './model-json.js';
export { kerasCompileSpec, type KerasCompileInput } from './compile-config.js';
