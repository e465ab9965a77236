export { kerasToTfjsTopology } from './model-json.js';
export { compileSettingsInModel, kerasCompileSpec, type KerasCompileInput } from './compile-config.js';
